import type { AppChannel, Channel, ChannelDetails, ChannelListItem, DiscoverChannel, ReadState, ServerEventPayload } from '@heyyo/contracts';
import type { AppChannelFilter, AppId, ChannelRecord, MemberRole, Page, Repositories, Restrictions } from '@heyyo/database';
import type { EventPublisher, Invalidation, InvalidationBus, PresenceReader, SlowMode } from '@heyyo/realtime';
import { LRUCache } from 'lru-cache';
import { isServerActor, type Actor } from './actor.ts';
import { Errors } from './errors.ts';
import { may, requirePermission } from './permissions.ts';
import { assertMetadataSize, type ContentLimits } from './message-content.ts';
import {
  presentAppChannel,
  presentChannel,
  presentChannelDetails,
  presentChannelListItem,
  presentDiscoverChannel,
} from './presenters.ts';

export interface ChannelInput {
  name: string;
  type?: string;
  description?: string | null;
  metadata?: Record<string, unknown>;
  /** Internal user ids to add besides the creator. */
  members?: string[];
}

/** What `PATCH /api/channels/:id` may change; omitted fields stay. */
export interface ChannelChanges {
  name?: string;
  description?: string | null;
  metadata?: Record<string, unknown>;
  slowModeSeconds?: number;
}

export interface ChannelsServiceDeps {
  repos: Pick<Repositories, 'channels' | 'users' | 'moderation'>;
  presence: PresenceReader;
  publisher: EventPublisher;
  invalidations: InvalidationBus;
  slowMode: SlowMode;
  limits: ContentLimits;
}

/**
 * What a node remembers of a member: enough to admit a send, a reaction or a typing event
 * without asking Postgres. Whatever changes it publishes an invalidation.
 */
export interface MemberStanding {
  role: MemberRole;
  slowModeSeconds: number;
  restrictions: Restrictions;
}

/** What a bulk membership change did: the user ids it changed, and those it found as wanted already. */
export interface MembershipChanges {
  changed: string[];
  unchanged: string[];
}

/** `ids` split by whether they are among `changed`, in their order. */
const changesOf = (ids: readonly string[], changed: ReadonlySet<string>): MembershipChanges => ({
  changed: ids.filter((id) => changed.has(id)),
  unchanged: ids.filter((id) => !changed.has(id)),
});

/** User ids once each, as Postgres prints UUIDs (they are case-insensitive). */
const uniqueIds = (ids: readonly string[]) => [...new Set(ids.map((id) => id.toLowerCase()))];

/** Whether a restriction (until when, in ms; null: none) is in force now. */
const inForce = (untilMs: number | null) => untilMs !== null && untilMs > Date.now();

/** Most channel rooms one connection joins; beyond it a client syncs channels it opens. */
export const MAX_ROOMS_PER_CONNECTION = 10_000;

/** Memberships remembered per process: bounded, so a large tenant cannot grow it without limit. */
const KNOWN_MEMBERSHIPS_CACHED = 100_000;
/**
 * How long a remembered membership is trusted without a word from the invalidation bus: the
 * safety net for an invalidation lost while Redis was unreachable to its publisher.
 */
const KNOWN_MEMBERSHIP_TTL_MS = 30_000;
const membershipKey = (appId: string, channelId: string, userId: string) => `${appId}:${channelId}:${userId}`;

/** Which remembered memberships a whole-channel or whole-user invalidation makes wrong. */
function invalidatedBy(invalidation: Extract<Invalidation, { kind: 'channel' | 'user' }>): (key: string) => boolean {
  if (invalidation.kind === 'channel') {
    const prefix = `${invalidation.appId}:${invalidation.channelId}:`;
    return (key) => key.startsWith(prefix);
  }
  return (key) => key.startsWith(`${invalidation.appId}:`) && key.endsWith(`:${invalidation.userId}`);
}

export function createChannelsService(deps: ChannelsServiceDeps) {
  const { repos, presence, publisher, invalidations, slowMode, limits } = deps;
  const knownMembers = new LRUCache<string, MemberStanding>({ max: KNOWN_MEMBERSHIPS_CACHED, ttl: KNOWN_MEMBERSHIP_TTL_MS });
  // Bumped by every invalidation: a membership read before one arrived is not remembered after it.
  let invalidationsHeard = 0;
  invalidations.subscribe((invalidation) => {
    if (invalidation.kind === 'tokens') return;
    invalidationsHeard++;
    if (invalidation.kind === 'everything') return knownMembers.clear();
    if (invalidation.kind === 'membership') {
      return void knownMembers.delete(membershipKey(invalidation.appId, invalidation.channelId, invalidation.userId));
    }
    // A whole channel or a user everywhere: rare (a deletion, a slow-mode change, an app ban), so a scan is fine.
    const stale = invalidatedBy(invalidation);
    for (const key of [...knownMembers.keys()]) if (stale(key)) knownMembers.delete(key);
  });

  /**
   * Adds the users to the channel, all or none; their live connections enter the room, and the
   * room hears of each.
   * @returns the ids of those added (not those who were members already).
   */
  async function addAndAnnounce(appId: AppId, channelId: string, joining: readonly { userId: string; externalId: string }[]): Promise<Set<string>> {
    const payloads = joining.map((user) => ({ channelId, userId: user.userId, externalId: user.externalId }));
    const added = await repos.channels.addMembers(
      appId,
      channelId,
      payloads.map((payload) => ({ userId: payload.userId, event: { event: 'member.joined', payload } })),
    );
    for (const payload of payloads) {
      const version = added.get(payload.userId);
      if (version === undefined) continue;
      publisher.joinChannel(payload.userId, channelId);
      publisher.toChannel(channelId, 'member.joined', { ...payload, version });
    }
    return new Set(added.keys());
  }

  /**
   * The channel, if the actor is a member.
   * @throws 404 when it does not exist in the actor's app, 403 when the actor is not in it.
   */
  async function readMembership(actor: Actor, channelId: string): Promise<{ channel: ChannelRecord; standing: MemberStanding }> {
    const heardBefore = invalidationsHeard;
    const access = await repos.channels.findAccess(actor.appId, channelId, actor.userId);
    if (!access) throw Errors.channelNotFound();
    if (access.role === null && inForce(access.restrictions.bannedUntilMs)) throw Errors.bannedFromChannel();
    requirePermission(actor, access.role, 'participate');
    const standing = { role: access.role!, slowModeSeconds: access.channel.slowModeSeconds, restrictions: access.restrictions };
    // Only memberships are remembered: the app's backend reads without one, and is asked every time.
    if (access.role !== null && invalidationsHeard === heardBefore) {
      knownMembers.set(membershipKey(actor.appId, channelId, actor.userId), standing);
    }
    return { channel: access.channel, standing };
  }

  /**
   * The channel, if the actor is a member.
   * @throws 404 when it does not exist in the actor's app, 403 when the actor is not in it
   * (`HEYYO_ERR_BANNED` when banned from it).
   */
  async function requireMembership(actor: Actor, channelId: string): Promise<ChannelRecord> {
    return (await readMembership(actor, channelId)).channel;
  }

  /**
   * requireMembership for callers that need no channel record (sending, typing): answered from
   * memory for a membership seen before. Whatever ends or restricts a membership publishes an
   * invalidation, which every node applies to this cache (KNOWN_MEMBERSHIP_TTL_MS is the safety net).
   */
  async function assertMember(actor: Actor, channelId: string): Promise<MemberStanding> {
    return knownMembers.get(membershipKey(actor.appId, channelId, actor.userId)) ?? (await readMembership(actor, channelId)).standing;
  }

  /**
   * assertMember for a write (send, edit, react, type): also refused while the actor is muted
   * there or banned app-wide.
   */
  async function requireVoice(actor: Actor, channelId: string): Promise<MemberStanding> {
    const standing = await assertMember(actor, channelId);
    if (inForce(standing.restrictions.appBannedUntilMs)) throw Errors.bannedInApp();
    if (inForce(standing.restrictions.mutedUntilMs)) throw Errors.muted();
    return standing;
  }

  /**
   * The membership has ended: every node forgets it (this one before the publish returns), the
   * user's sockets leave the room, then the event.
   */
  async function membershipEnded<E extends 'member.left' | 'member.removed' | 'member.banned'>(
    appId: string,
    channelId: string,
    userId: string,
    event: E,
    payload: ServerEventPayload<E>,
  ) {
    await invalidations.publish({ kind: 'membership', appId, channelId, userId });
    publisher.leaveChannel(userId, channelId);
    publisher.toChannel(channelId, event, payload);
    publisher.toUser(userId, event, payload);
  }

  /**
   * Removes members whom the checks let go, all or none, as member.removed on every node.
   * @returns the ids of those removed (not those who were not in the channel any more).
   * @throws 409 when one of them is its last owner (then nobody is removed).
   */
  async function removeAndAnnounce(actor: Actor, channelId: string, leaving: readonly { id: string; externalId: string }[]): Promise<Set<string>> {
    const payloads = leaving.map((user) => ({ channelId, userId: user.id, externalId: user.externalId, removedBy: actor.userId }));
    const removed = await repos.channels.removeMembers(
      actor.appId,
      channelId,
      payloads.map((payload) => ({ userId: payload.userId, event: { event: 'member.removed', payload } })),
    );
    if (removed.outcome === 'last-owner') throw Errors.lastOwnerRole();
    if (removed.outcome !== 'removed') return new Set();
    for (const payload of payloads) {
      const version = removed.versions.get(payload.userId);
      if (version !== undefined) await membershipEnded(actor.appId, channelId, payload.userId, 'member.removed', { ...payload, version });
    }
    return new Set(removed.versions.keys());
  }

  /**
   * The actor's role in the channel (null: not a member).
   * @throws 404 when the channel is not in the actor's app.
   */
  async function roleIn(actor: Actor, channelId: string): Promise<MemberRole | null> {
    const access = await repos.channels.findAccess(actor.appId, channelId, actor.userId);
    if (!access) throw Errors.channelNotFound();
    return access.role;
  }

  /** A user of the actor's app who is a member of the channel, with their role. @throws 404 otherwise. */
  async function requireMember(actor: Actor, channelId: string, userId: string) {
    const user = await repos.users.findById(actor.appId, userId);
    const access = user && (await repos.channels.findAccess(actor.appId, channelId, user.id));
    if (!user || !access?.role) throw Errors.memberNotFound();
    return { user, role: access.role };
  }

  return {
    requireMembership,
    assertMember,
    requireVoice,
    /** Ends a membership on every node (moderation's bans, a user's erasure). */
    membershipEnded,
    roleIn,

    /**
     * Takes the actor's slow-mode turn in the channel, when it has slow mode and the actor's role
     * does not skip it.
     * @returns a function that gives the turn back (the message was not stored), or undefined.
     * @throws 429 `HEYYO_ERR_SLOW_MODE` with the seconds left until the actor's next turn.
     */
    async takeSlowModeTurn(actor: Actor, channelId: string, standing: MemberStanding): Promise<(() => Promise<void>) | undefined> {
      if (standing.slowModeSeconds === 0 || may(actor, standing.role, 'skip-slow-mode')) return undefined;
      const turn = { channelId, userId: actor.userId };
      const wait = await slowMode.take(turn, standing.slowModeSeconds);
      if (wait > 0) throw Errors.slowMode(wait);
      return () => slowMode.giveBack(turn);
    },

    /** Creates a channel owned by the actor, with the listed users as members. */
    async create(actor: Actor, input: ChannelInput): Promise<Channel> {
      if (inForce(await repos.moderation.appBanUntil(actor.appId, actor.userId))) throw Errors.bannedInApp();
      const name = input.name.trim();
      if (!name) throw Errors.validation('name must not be empty');
      const metadata = input.metadata ?? {};
      assertMetadataSize(metadata, limits);
      // UUIDs are case-insensitive; compare them the way Postgres prints them.
      const memberIds = uniqueIds(input.members ?? []).filter(
        (id) => id !== actor.userId,
      );
      const known = await repos.users.existingIds(actor.appId, memberIds);
      if (memberIds.some((id) => !known.has(id))) throw Errors.userNotFound();
      const channel = await repos.channels.createWithMembers(
        actor.appId,
        {
          name,
          type: input.type ?? 'messaging',
          description: input.description ?? null,
          metadata,
          createdBy: actor.userId,
        },
        memberIds,
      );
      for (const userId of [actor.userId, ...memberIds]) publisher.joinChannel(userId, channel.id);
      return presentChannel(channel);
    },

    /**
     * Renames the channel or changes its description, metadata or slow mode (owners, app admins);
     * its members get channel.updated with the channel as it is now.
     * @throws 403 without the permission, 404 for a channel not in the actor's app, 400 for an empty name.
     */
    async update(actor: Actor, channelId: string, changes: ChannelChanges): Promise<Channel> {
      requirePermission(actor, await roleIn(actor, channelId), 'manage-channel');
      const name = changes.name?.trim();
      if (name === '') throw Errors.validation('name must not be empty');
      if (changes.metadata) assertMetadataSize(changes.metadata, limits);
      const updated = await repos.channels.update(
        actor.appId,
        channelId,
        {
          ...(name === undefined ? {} : { name }),
          ...(changes.description === undefined ? {} : { description: changes.description }),
          ...(changes.metadata === undefined ? {} : { metadata: changes.metadata }),
          ...(changes.slowModeSeconds === undefined ? {} : { slowModeSeconds: changes.slowModeSeconds }),
        },
        (record) => ({ event: 'channel.updated', payload: presentChannel(record) }),
      );
      if (!updated) throw Errors.channelNotFound();
      // Every node remembers the interval with each membership.
      if (changes.slowModeSeconds !== undefined) await invalidations.publish({ kind: 'channel', appId: actor.appId, channelId });
      const channel = presentChannel(updated.channel);
      publisher.toChannel(channelId, 'channel.updated', { ...channel, version: updated.version });
      return channel;
    },

    /**
     * Deletes the channel (owners, app admins): every node forgets its memberships, its members
     * get channel.deleted, then every connection leaves its room; from then on it answers 404.
     * Its rows stay, for export.
     * @throws 403 without the permission, 404 for a channel not in the actor's app.
     */
    async delete(actor: Actor, channelId: string): Promise<void> {
      requirePermission(actor, await roleIn(actor, channelId), 'delete-channel');
      const memberIds = await repos.channels.softDelete(actor.appId, channelId, actor.userId);
      if (!memberIds) throw Errors.channelNotFound();
      await invalidations.publish({ kind: 'channel', appId: actor.appId, channelId });
      publisher.toChannel(channelId, 'channel.deleted', { channelId, deletedBy: actor.userId });
      publisher.closeChannel(channelId);
    },

    /**
     * Moves the actor's read position in a channel forward and tells their other
     * connections, so every device shows the same unread count.
     */
    async markRead(actor: Actor, channelId: string, seq?: number): Promise<ReadState> {
      const state = await repos.channels.markRead(actor.appId, channelId, actor.userId, seq);
      if (!state) {
        // Only a refusal needs to know which: no such channel (404) or not in it (403).
        await requireMembership(actor, channelId);
        throw Errors.notMember();
      }
      const readState = { channelId, lastReadSeq: state.lastReadSeq, unreadCount: state.unreadCount };
      publisher.toUser(actor.userId, 'channel.read', { ...readState, userId: actor.userId });
      return readState;
    },

    /** A page of the actor's channels, most recently active first, and how many they are in. */
    async listMine(actor: Actor, page: Page): Promise<{ items: ChannelListItem[]; total: number }> {
      const [rows, total] = await Promise.all([
        repos.channels.listForMember(actor.appId, actor.userId, page),
        repos.channels.countForMember(actor.appId, actor.userId),
      ]);
      return { items: rows.map(presentChannelListItem), total };
    },

    /** The app's backend lists every channel of its app, newest first, filtered. */
    async listForApp(appId: AppId, filter: AppChannelFilter, page: Page): Promise<{ items: AppChannel[]; total: number }> {
      const { rows, total } = await repos.channels.listForApp(appId, filter, page);
      return { items: rows.map(presentAppChannel), total };
    },

    async discover(actor: Actor, page: Page): Promise<{ items: DiscoverChannel[]; total: number }> {
      const [rows, total] = await Promise.all([
        repos.channels.listInApp(actor.appId, actor.userId, page),
        repos.channels.countInApp(actor.appId),
      ]);
      return { items: rows.map(presentDiscoverChannel), total };
    },

    /** Channel details with members; 404 for non-members too, as the seed says (the app's backend sees every channel). */
    async details(actor: Actor, channelId: string): Promise<ChannelDetails> {
      const access = await repos.channels.findAccess(actor.appId, channelId, actor.userId);
      if (!access || (!access.role && !isServerActor(actor))) throw Errors.channelNotFound();
      const members = await repos.channels.listMembers(actor.appId, channelId);
      const online = await presence.onlineUserIds(
        actor.appId,
        members.map((member) => member.userId),
      );
      return presentChannelDetails(access.channel, members, online);
    },

    /** Adds the actor to a channel of its app. Joining twice is not an error. */
    async join(actor: Actor, channelId: string): Promise<{ joined: boolean }> {
      const access = await repos.channels.findAccess(actor.appId, channelId, actor.userId);
      if (!access) throw Errors.channelNotFound();
      if (access.role) return { joined: false };
      if (inForce(access.restrictions.bannedUntilMs)) throw Errors.bannedFromChannel();
      if (inForce(access.restrictions.appBannedUntilMs)) throw Errors.bannedInApp();
      return { joined: (await addAndAnnounce(actor.appId, channelId, [actor])).size > 0 };
    },

    /**
     * The actor stops being a member: on every node their membership is forgotten and their
     * connections leave the room; the channel's members and the actor's own connections get
     * member.left. Leaving a channel one is not in changes nothing and is not an error.
     * @throws 404 when the channel is not in the actor's app, 409 for the last owner of a
     * channel with other members.
     */
    async leave(actor: Actor, channelId: string): Promise<{ left: boolean }> {
      const payload = { channelId, userId: actor.userId, externalId: actor.externalId };
      const removed = await repos.channels.removeMember(actor.appId, channelId, actor.userId, { event: 'member.left', payload });
      if (removed.outcome !== 'left') {
        if (removed.outcome === 'not-member') return { left: false };
        throw removed.outcome === 'no-channel' ? Errors.channelNotFound() : Errors.lastOwner();
      }
      await membershipEnded(actor.appId, channelId, actor.userId, 'member.left', { ...payload, version: removed.version });
      return { left: true };
    },

    /**
     * Removes another member (moderators, owners, app admins; only owners and app admins remove
     * an owner), with the same effects as leaving on every node, announced as member.removed.
     * @throws 403 without the permission, 404 for a user who is not a member, 409 for the last owner.
     */
    async removeMember(actor: Actor, channelId: string, userId: string): Promise<void> {
      const actorRole = await roleIn(actor, channelId);
      requirePermission(actor, actorRole, 'moderate');
      const target = await requireMember(actor, channelId, userId);
      if (target.role === 'owner' && !may(actor, actorRole, 'assign-roles')) throw Errors.ownerProtected();
      if ((await removeAndAnnounce(actor, channelId, [target.user])).size === 0) throw Errors.memberNotFound();
    },

    /**
     * Sets a member's role (owners and app admins), announced as member.updated.
     * @throws 403 without the permission, 404 for a user who is not a member, 409 when it would
     * leave the channel without an owner.
     */
    async setMemberRole(actor: Actor, channelId: string, userId: string, role: MemberRole): Promise<void> {
      requirePermission(actor, await roleIn(actor, channelId), 'assign-roles');
      const target = await requireMember(actor, channelId, userId);
      const payload = { channelId, userId: target.user.id, externalId: target.user.externalId, role };
      const changed = await repos.channels.setRole(actor.appId, channelId, target.user.id, role, { event: 'member.updated', payload });
      if (changed.outcome === 'not-member') throw Errors.memberNotFound();
      if (changed.outcome === 'last-owner') throw Errors.lastOwnerRole();
      if (changed.outcome === 'updated') publisher.toChannel(channelId, 'member.updated', { ...payload, version: changed.version });
    },

    /** Whether the actor may moderate the channel (delete anyone's message); false for a channel not in their app. */
    async mayModerate(actor: Actor, channelId: string): Promise<boolean> {
      const access = await repos.channels.findAccess(actor.appId, channelId, actor.userId);
      return access !== undefined && may(actor, access.role, 'moderate');
    },

    /**
     * A member (or the app's backend) adds users of the app, in one transaction; adding a member
     * twice changes nothing. Every user is checked first (in the app, not banned from the channel):
     * a refusal or a failure adds no one.
     * @throws 404 for a user not in the app, 403 for one banned from the channel.
     */
    async addMembers(actor: Actor, channelId: string, userIds: readonly string[]): Promise<MembershipChanges> {
      await requireVoice(actor, channelId);
      const users = await Promise.all(uniqueIds(userIds).map((id) => repos.users.findById(actor.appId, id)));
      if (users.some((user) => !user)) throw Errors.userNotFound();
      for (const user of users) {
        const target = await repos.channels.findAccess(actor.appId, channelId, user!.id);
        if (target && !target.role && inForce(target.restrictions.bannedUntilMs)) throw Errors.userBannedFromChannel();
      }
      const added = await addAndAnnounce(actor.appId, channelId, users.map((user) => ({ userId: user!.id, externalId: user!.externalId })));
      return changesOf(users.map((user) => user!.id), added);
    },

    /**
     * removeMember for several users at once, in one transaction; those not in the channel are left
     * unchanged (so a retry is harmless). A refusal or a failure removes no one.
     * @throws 403 without the permission (or an owner among them without assign-roles), 404 for a
     * user not in the app, 409 when the last owner would go.
     */
    async removeMembers(actor: Actor, channelId: string, userIds: readonly string[]): Promise<MembershipChanges> {
      const actorRole = await roleIn(actor, channelId);
      requirePermission(actor, actorRole, 'moderate');
      const users = await Promise.all(uniqueIds(userIds).map((id) => repos.users.findById(actor.appId, id)));
      if (users.some((user) => !user)) throw Errors.userNotFound();
      const members = await Promise.all(users.map((user) => repos.channels.findAccess(actor.appId, channelId, user!.id)));
      if (members.some((member) => member?.role === 'owner') && !may(actor, actorRole, 'assign-roles')) throw Errors.ownerProtected();
      const removed = await removeAndAnnounce(actor, channelId, users.filter((_, index) => members[index]?.role).map((user) => user!));
      return changesOf(users.map((user) => user!.id), removed);
    },

    /** The channels whose rooms a new connection of the actor joins. */
    async memberChannelIds(actor: Pick<Actor, 'appId' | 'userId'>): Promise<string[]> {
      return repos.channels.channelIdsForMember(actor.appId, actor.userId, MAX_ROOMS_PER_CONNECTION);
    },

    /** Tells the channel's other members that the actor started or stopped typing. */
    async typing(actor: Actor, channelId: string, event: 'typing.start' | 'typing.stop'): Promise<void> {
      await requireVoice(actor, channelId);
      publisher.toChannel(channelId, event, { channelId, userId: actor.userId, externalId: actor.externalId }, actor.userId);
    },
  };
}

export type ChannelsService = ReturnType<typeof createChannelsService>;
