import type { AppBan, Restriction } from '@heyyo/contracts';
import type { AppId, Page, Repositories, RestrictionKind } from '@heyyo/database';
import type { EventPublisher, InvalidationBus } from '@heyyo/realtime';
import type { Actor } from './actor.ts';
import type { ChannelsService } from './channels.service.ts';
import { Errors } from './errors.ts';
import { may, requirePermission } from './permissions.ts';
import { presentRestriction } from './presenters.ts';

export interface ModerationServiceDeps {
  repos: Pick<Repositories, 'channels' | 'users' | 'moderation'>;
  channels: Pick<ChannelsService, 'roleIn' | 'membershipEnded'>;
  publisher: EventPublisher;
  invalidations: InvalidationBus;
}

/** A ban or mute as asked: for how long (omitted: until lifted) and why. */
export interface RestrictionInput {
  userId: string;
  expiresInSeconds?: number;
  reason?: string;
}


const expiryOf = (now: Date, seconds: number | undefined) => (seconds === undefined ? null : new Date(now.getTime() + seconds * 1000));

/**
 * Channel bans and mutes (moderators, owners, app admins: the `moderate` permission) and the
 * tenant's app-wide bans. Every one reaches every node's membership cache through the
 * invalidation bus before the call returns here, and within Redis's round trip elsewhere.
 */
export function createModerationService(deps: ModerationServiceDeps) {
  const { repos, channels, publisher, invalidations } = deps;

  /**
   * The moderator's permission, and the target: a user of the app other than the actor, not an
   * owner unless the actor may assign roles. @returns the user and their role (null: not a member).
   */
  async function requireTarget(actor: Actor, channelId: string, userId: string) {
    const actorRole = await channels.roleIn(actor, channelId);
    requirePermission(actor, actorRole, 'moderate');
    const user = await repos.users.findById(actor.appId, userId);
    if (!user) throw Errors.userNotFound();
    if (user.id === actor.userId) throw Errors.validation('You cannot restrict yourself');
    const access = await repos.channels.findAccess(actor.appId, channelId, user.id);
    const role = access?.role ?? null;
    if (role === 'owner' && !may(actor, actorRole, 'assign-roles')) throw Errors.ownerProtected();
    return { user, role };
  }

  async function lift(actor: Actor, channelId: string, userId: string, kind: RestrictionKind): Promise<void> {
    requirePermission(actor, await channels.roleIn(actor, channelId), 'moderate');
    const user = await repos.users.findById(actor.appId, userId);
    if (!user) throw Errors.userNotFound();
    const event = kind === 'ban' ? 'member.unbanned' : 'member.unmuted';
    const payload = { channelId, userId: user.id, externalId: user.externalId, liftedBy: actor.userId };
    const version = await repos.moderation.lift(actor.appId, channelId, user.id, kind, { event, payload });
    if (version === undefined) return;
    await invalidations.publish({ kind: 'membership', appId: actor.appId, channelId, userId: user.id });
    publisher.toChannel(channelId, event, { ...payload, version });
  }

  async function list(actor: Actor, channelId: string, kind: RestrictionKind, page: Page): Promise<{ items: Restriction[]; total: number }> {
    requirePermission(actor, await channels.roleIn(actor, channelId), 'moderate');
    const { rows, total } = await repos.moderation.listInForce(actor.appId, channelId, kind, page);
    return { items: rows.map(presentRestriction), total };
  }

  return {
    /**
     * Bans a user from the channel (a member or not): their membership ends on every node, their
     * connections leave the room, and the channel and the user get member.banned. Banning again
     * replaces the ban.
     * @throws 403 without the permission or for an owner banned by a moderator, 404 for a user or
     * channel not in the app, 409 for the last owner of a channel with other members.
     */
    async ban(actor: Actor, channelId: string, input: RestrictionInput): Promise<Restriction> {
      const { user } = await requireTarget(actor, channelId, input.userId);
      const now = new Date();
      const restriction = { reason: input.reason ?? null, createdBy: actor.userId, createdAt: now, expiresAt: expiryOf(now, input.expiresInSeconds) };
      const expiresAt = restriction.expiresAt?.toISOString() ?? null;
      const payload = { channelId, userId: user.id, externalId: user.externalId, bannedBy: actor.userId, expiresAt };
      const banned = await repos.channels.ban(actor.appId, channelId, user.id, restriction, { event: 'member.banned', payload });
      if (banned.outcome !== 'banned') throw banned.outcome === 'no-channel' ? Errors.channelNotFound() : Errors.lastOwner();
      await channels.membershipEnded(actor.appId, channelId, user.id, 'member.banned', { ...payload, version: banned.version });
      return presentRestriction({ ...restriction, userId: user.id, externalId: user.externalId });
    },

    /** Lifts a ban (none is not an error); the channel gets member.unbanned. */
    unban: (actor: Actor, channelId: string, userId: string) => lift(actor, channelId, userId, 'ban'),

    /** The channel's bans in force, newest first. */
    listBans: (actor: Actor, channelId: string, page: Page) => list(actor, channelId, 'ban', page),

    /**
     * Mutes a member: they keep reading but cannot send, edit, react or type, on every node, until
     * it ends or is lifted; the channel gets member.muted. Muting again replaces the mute.
     * @throws as `ban`, and 404 for a user who is not a member.
     */
    async mute(actor: Actor, channelId: string, input: RestrictionInput): Promise<Restriction> {
      const { user, role } = await requireTarget(actor, channelId, input.userId);
      if (!role) throw Errors.memberNotFound();
      const now = new Date();
      const restriction = { reason: null, createdBy: actor.userId, createdAt: now, expiresAt: expiryOf(now, input.expiresInSeconds) };
      const expiresAt = restriction.expiresAt?.toISOString() ?? null;
      const payload = { channelId, userId: user.id, externalId: user.externalId, mutedBy: actor.userId, expiresAt };
      const version = await repos.moderation.mute(actor.appId, channelId, user.id, restriction, { event: 'member.muted', payload });
      await invalidations.publish({ kind: 'membership', appId: actor.appId, channelId, userId: user.id });
      publisher.toChannel(channelId, 'member.muted', { ...payload, version });
      return presentRestriction({ ...restriction, userId: user.id, externalId: user.externalId });
    },

    /** Lifts a mute (none is not an error); the channel gets member.unmuted. */
    unmute: (actor: Actor, channelId: string, userId: string) => lift(actor, channelId, userId, 'mute'),

    /** The channel's mutes in force, newest first. */
    listMutes: (actor: Actor, channelId: string, page: Page) => list(actor, channelId, 'mute', page),

    /**
     * Bans a user app-wide (the tenant's backend): they keep reading, but every write in every
     * channel answers HEYYO_ERR_BANNED, on every node; their connections get user.banned.
     * @throws 404 for a user not in the app.
     */
    async banInApp(appId: AppId, userId: string, input: Omit<RestrictionInput, 'userId'>): Promise<AppBan> {
      const user = await repos.users.findById(appId, userId);
      if (!user) throw Errors.userNotFound();
      const now = new Date();
      const ban = { reason: input.reason ?? null, createdAt: now, expiresAt: expiryOf(now, input.expiresInSeconds) };
      await repos.moderation.banInApp(appId, user.id, ban);
      await invalidations.publish({ kind: 'user', appId, userId: user.id });
      const expiresAt = ban.expiresAt?.toISOString() ?? null;
      publisher.toUser(user.id, 'user.banned', { userId: user.id, expiresAt });
      return { user_id: user.id, reason: ban.reason, expires_at: expiresAt };
    },

    /** Lifts a user's app-wide ban (none is not an error). @throws 404 for a user not in the app. */
    async unbanInApp(appId: AppId, userId: string): Promise<void> {
      const user = await repos.users.findById(appId, userId);
      if (!user) throw Errors.userNotFound();
      await repos.moderation.unbanInApp(appId, user.id);
      await invalidations.publish({ kind: 'user', appId, userId: user.id });
      publisher.toUser(user.id, 'user.unbanned', { userId: user.id });
    },
  };
}

export type ModerationService = ReturnType<typeof createModerationService>;
