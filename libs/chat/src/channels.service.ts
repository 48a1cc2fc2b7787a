import type { Channel, ChannelDetails, ChannelListItem, DiscoverChannel, ReadState, ServerEventPayload } from '@heyyo/contracts';
import type { ChannelRecord, MemberRole, Page, Repositories } from '@heyyo/database';
import type { EventPublisher, InvalidationBus, PresenceReader } from '@heyyo/realtime';
import { LRUCache } from 'lru-cache';
import type { Actor } from './actor.ts';
import { Errors } from './errors.ts';
import { may, requirePermission } from './permissions.ts';
import { assertMetadataSize, type ContentLimits } from './message-content.ts';
import {
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
}

export interface ChannelsServiceDeps {
  repos: Pick<Repositories, 'channels' | 'users'>;
  presence: PresenceReader;
  publisher: EventPublisher;
  invalidations: InvalidationBus;
  limits: ContentLimits;
}

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

export function createChannelsService(deps: ChannelsServiceDeps) {
  const { repos, presence, publisher, invalidations, limits } = deps;
  const knownMembers = new LRUCache<string, true>({ max: KNOWN_MEMBERSHIPS_CACHED, ttl: KNOWN_MEMBERSHIP_TTL_MS });
  // Bumped by every invalidation: a membership read before one arrived is not remembered after it.
  let invalidationsHeard = 0;
  invalidations.subscribe((invalidation) => {
    if (invalidation.kind === 'tokens') return;
    invalidationsHeard++;
    if (invalidation.kind === 'everything') knownMembers.clear();
    else knownMembers.delete(membershipKey(invalidation.appId, invalidation.channelId, invalidation.userId));
  });

  /** Live connections of the new member enter the room, and the room hears of it. */
  function announceMember(channelId: string, userId: string, externalId: string) {
    publisher.joinChannel(userId, channelId);
    publisher.toChannel(channelId, 'member.joined', { channelId, userId, externalId });
  }

  /**
   * The channel, if the actor is a member.
   * @throws 404 when it does not exist in the actor's app, 403 when the actor is not in it.
   */
  async function requireMembership(actor: Actor, channelId: string): Promise<ChannelRecord> {
    const heardBefore = invalidationsHeard;
    const access = await repos.channels.findAccess(actor.appId, channelId, actor.userId);
    if (!access) throw Errors.channelNotFound();
    requirePermission(actor, access.role, 'participate');
    if (invalidationsHeard === heardBefore) knownMembers.set(membershipKey(actor.appId, channelId, actor.userId), true);
    return access.channel;
  }

  /**
   * requireMembership for callers that need no channel record (sending, typing): answered from
   * memory for a membership seen before. Whatever ends a membership publishes an invalidation,
   * which every node applies to this cache (see KNOWN_MEMBERSHIP_TTL_MS for the safety net).
   */
  async function assertMember(actor: Actor, channelId: string): Promise<void> {
    if (knownMembers.get(membershipKey(actor.appId, channelId, actor.userId))) return;
    await requireMembership(actor, channelId);
  }

  /**
   * The membership has ended: every node forgets it (this one before the publish returns), the
   * user's sockets leave the room, then the event.
   */
  async function membershipEnded<E extends 'member.left' | 'member.removed'>(
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
    roleIn,

    /** Creates a channel owned by the actor, with the listed users as members. */
    async create(actor: Actor, input: ChannelInput): Promise<Channel> {
      const name = input.name.trim();
      if (!name) throw Errors.validation('name must not be empty');
      const metadata = input.metadata ?? {};
      assertMetadataSize(metadata, limits);
      // UUIDs are case-insensitive; compare them the way Postgres prints them.
      const memberIds = [...new Set((input.members ?? []).map((id) => id.toLowerCase()))].filter(
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
     * Renames the channel or changes its description or metadata (owners, app admins); its
     * members get channel.updated with the channel as it is now.
     * @throws 403 without the permission, 404 for a channel not in the actor's app, 400 for an empty name.
     */
    async update(actor: Actor, channelId: string, changes: ChannelChanges): Promise<Channel> {
      requirePermission(actor, await roleIn(actor, channelId), 'manage-channel');
      const name = changes.name?.trim();
      if (name === '') throw Errors.validation('name must not be empty');
      if (changes.metadata) assertMetadataSize(changes.metadata, limits);
      const updated = await repos.channels.update(actor.appId, channelId, {
        ...(name === undefined ? {} : { name }),
        ...(changes.description === undefined ? {} : { description: changes.description }),
        ...(changes.metadata === undefined ? {} : { metadata: changes.metadata }),
      });
      if (!updated) throw Errors.channelNotFound();
      const channel = presentChannel(updated);
      publisher.toChannel(channelId, 'channel.updated', channel);
      return channel;
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

    async listMine(actor: Actor, page: Page): Promise<ChannelListItem[]> {
      return (await repos.channels.listForMember(actor.appId, actor.userId, page)).map(presentChannelListItem);
    },

    async discover(actor: Actor, page: Page): Promise<DiscoverChannel[]> {
      return (await repos.channels.listInApp(actor.appId, actor.userId, page)).map(presentDiscoverChannel);
    },

    /** Channel details with members; 404 for non-members too, as the seed says. */
    async details(actor: Actor, channelId: string): Promise<ChannelDetails> {
      const access = await repos.channels.findAccess(actor.appId, channelId, actor.userId);
      if (!access?.role) throw Errors.channelNotFound();
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
      const joined = await repos.channels.addMember(actor.appId, channelId, actor.userId, 'member');
      if (joined) announceMember(channelId, actor.userId, actor.externalId);
      return { joined };
    },

    /**
     * The actor stops being a member: on every node their membership is forgotten and their
     * connections leave the room; the channel's members and the actor's own connections get
     * member.left. Leaving a channel one is not in changes nothing and is not an error.
     * @throws 404 when the channel is not in the actor's app, 409 for the last owner of a
     * channel with other members.
     */
    async leave(actor: Actor, channelId: string): Promise<{ left: boolean }> {
      const outcome = await repos.channels.removeMember(actor.appId, channelId, actor.userId);
      if (outcome === 'no-channel') throw Errors.channelNotFound();
      if (outcome === 'last-owner') throw Errors.lastOwner();
      if (outcome === 'not-member') return { left: false };
      await membershipEnded(actor.appId, channelId, actor.userId, 'member.left', {
        channelId,
        userId: actor.userId,
        externalId: actor.externalId,
      });
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
      const outcome = await repos.channels.removeMember(actor.appId, channelId, target.user.id);
      if (outcome === 'last-owner') throw Errors.lastOwnerRole();
      if (outcome !== 'left') throw Errors.memberNotFound();
      await membershipEnded(actor.appId, channelId, target.user.id, 'member.removed', {
        channelId,
        userId: target.user.id,
        externalId: target.user.externalId,
        removedBy: actor.userId,
      });
    },

    /**
     * Sets a member's role (owners and app admins), announced as member.updated.
     * @throws 403 without the permission, 404 for a user who is not a member, 409 when it would
     * leave the channel without an owner.
     */
    async setMemberRole(actor: Actor, channelId: string, userId: string, role: MemberRole): Promise<void> {
      requirePermission(actor, await roleIn(actor, channelId), 'assign-roles');
      const target = await requireMember(actor, channelId, userId);
      const outcome = await repos.channels.setRole(actor.appId, channelId, target.user.id, role);
      if (outcome === 'not-member') throw Errors.memberNotFound();
      if (outcome === 'last-owner') throw Errors.lastOwnerRole();
      if (outcome === 'updated') {
        publisher.toChannel(channelId, 'member.updated', { channelId, userId: target.user.id, externalId: target.user.externalId, role });
      }
    },

    /** Whether the actor may moderate the channel (delete anyone's message); false for a channel not in their app. */
    async mayModerate(actor: Actor, channelId: string): Promise<boolean> {
      const access = await repos.channels.findAccess(actor.appId, channelId, actor.userId);
      return access !== undefined && may(actor, access.role, 'moderate');
    },

    /** A member adds another user of the app. Adding a member twice is not an error. */
    async addMember(actor: Actor, channelId: string, userId: string): Promise<{ added: boolean }> {
      await requireMembership(actor, channelId);
      const user = await repos.users.findById(actor.appId, userId);
      if (!user) throw Errors.userNotFound();
      const added = await repos.channels.addMember(actor.appId, channelId, user.id, 'member');
      if (added) announceMember(channelId, user.id, user.externalId);
      return { added };
    },

    /** The channels whose rooms a new connection of the actor joins. */
    async memberChannelIds(actor: Pick<Actor, 'appId' | 'userId'>): Promise<string[]> {
      return repos.channels.channelIdsForMember(actor.appId, actor.userId, MAX_ROOMS_PER_CONNECTION);
    },

    /** Tells the channel's other members that the actor started or stopped typing. */
    async typing(actor: Actor, channelId: string, event: 'typing.start' | 'typing.stop'): Promise<void> {
      await assertMember(actor, channelId);
      publisher.toChannel(channelId, event, { channelId, userId: actor.userId, externalId: actor.externalId }, actor.userId);
    },
  };
}

export type ChannelsService = ReturnType<typeof createChannelsService>;
