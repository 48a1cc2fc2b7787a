import { ERASED_EXTERNAL_ID_PREFIX, type UpdateUserRequest, type UpsertUserRequest, type User } from '@heyyo/contracts';
import type { AppId, Page, Repositories, UserRecord } from '@heyyo/database';
import type { InvalidationBus } from '@heyyo/realtime';
import type { Actor } from './actor.ts';
import type { ChannelsService } from './channels.service.ts';
import { Errors, type HeyyoError } from './errors.ts';
import { assertMetadataSize, type ContentLimits } from './message-content.ts';
import { presentUser } from './presenters.ts';
import { userExportChunks } from './user-export.ts';

/**
 * Rows one erasure transaction changes at most (memberships, messages reacted to, messages): each
 * holds its channel row locks for milliseconds, well inside the database deadline, however much the
 * user wrote.
 */
export const ERASURE_BATCH = 500;

/** Channels looked up per page for messages left to erase. */
const ERASURE_CHANNEL_PAGE = 100;

export interface UsersServiceDeps {
  repos: Pick<Repositories, 'users' | 'userData' | 'moderation'>;
  invalidations: InvalidationBus;
  /** Announces each membership an erasure ends, as a leave does. */
  channels: Pick<ChannelsService, 'membershipEnded'>;
  limits: ContentLimits;
}

/** Server-side user management for tenant backends (API-key authenticated). */
export function createUsersService(deps: UsersServiceDeps) {
  const { repos, invalidations, channels, limits } = deps;

  /** Why a change found no user to change: there is none in the app, or it was erased. */
  async function missingOrErased(appId: AppId, userId: string): Promise<HeyyoError> {
    return (await repos.users.findById(appId, userId)) ? Errors.userErased() : Errors.userNotFound();
  }

  /**
   * Deactivates the user and has every node forget their verified tokens (this one before the
   * publish returns); each gateway rechecks the user's sockets, which get auth.revoked.
   */
  async function deactivate(appId: AppId, userId: string): Promise<UserRecord> {
    const user = await repos.users.deactivate(appId, userId);
    if (!user) throw Errors.userNotFound();
    // Published again when already deactivated: it makes good one a crash may have lost.
    await invalidations.publish({ kind: 'tokens', appId, userId: user.id });
    return user;
  }

  /**
   * Erases what the user wrote and who they were, in bounded steps (see ERASURE_BATCH), each
   * idempotent, so a repeat finishes an erasure that stopped half-way. Memberships end first, each
   * announced (member.left) and forgotten on every node; then reactions go, with their messages'
   * counts; then messages become tombstones; last the profile is wiped and the user marked erased.
   */
  async function erase(appId: AppId, user: UserRecord): Promise<UserRecord> {
    const { id: userId, externalId } = user;
    for (let ended = ERASURE_BATCH; ended === ERASURE_BATCH; ) {
      const left = await repos.userData.removeMemberships(appId, userId, ERASURE_BATCH, { event: 'member.left', payload: { userId, externalId } });
      for (const { channelId, version } of left) {
        await channels.membershipEnded(appId, channelId, userId, 'member.left', { channelId, userId, externalId, version });
      }
      ended = left.length;
    }
    while ((await repos.userData.removeReactions(appId, userId, ERASURE_BATCH)) === ERASURE_BATCH);
    for (let afterChannelId: string | null = null; ; ) {
      const page = await repos.userData.channelsWithMessages(appId, userId, {
        afterChannelId,
        limit: ERASURE_CHANNEL_PAGE,
        unerasedOnly: true,
      });
      for (const channelId of page) {
        for (let batch = { erased: ERASURE_BATCH, lastSeq: 0 }; batch.erased === ERASURE_BATCH; ) {
          batch = await repos.userData.eraseMessages(appId, userId, channelId, { afterSeq: batch.lastSeq, limit: ERASURE_BATCH });
        }
      }
      if (page.length < ERASURE_CHANNEL_PAGE) break;
      afterChannelId = page[page.length - 1]!;
    }
    const erased = await repos.userData.wipeProfile(appId, userId, `${ERASED_EXTERNAL_ID_PREFIX}${userId}`);
    if (!erased) throw Errors.userNotFound();
    return erased;
  }

  return {
    /** Creates the user or updates the profile fields given, exactly as token minting does (but never reactivates). */
    async upsert(appId: AppId, request: UpsertUserRequest): Promise<User> {
      const user = await repos.users.upsert(appId, {
        externalId: request.user_id,
        displayName: request.display_name,
        avatarUrl: request.avatar_url,
      });
      return presentUser(user);
    },

    /** A page of the app's users in creation order, and how many there are. */
    async list(appId: AppId, page: Page): Promise<{ items: User[]; total: number }> {
      const [rows, total] = await Promise.all([repos.users.list(appId, page), repos.users.count(appId)]);
      return { items: rows.map(presentUser), total };
    },

    /**
     * Whom the app's backend acts as when it names a user (`created_by`, `user_id`): that user,
     * under the rules their own token would meet.
     * @throws 404 for a user not in the app, 403 for a deactivated (or erased) one.
     */
    async actAs(appId: AppId, userId: string): Promise<Actor> {
      const user = await repos.users.findById(appId, userId);
      if (!user) throw Errors.userNotFound();
      if (user.deactivatedAt) throw Errors.userDeactivated();
      return { appId, userId: user.id, externalId: user.externalId, appRole: 'user' };
    },

    async get(appId: AppId, userId: string): Promise<User> {
      const user = await repos.users.findById(appId, userId);
      if (!user) throw Errors.userNotFound();
      return presentUser(user);
    },

    /**
     * Changes the fields given (null clears a display name or avatar); a deactivated user's too.
     * @throws 400 for metadata over the size limit, 404 for a user not in the app, 409 for an erased one.
     */
    async update(appId: AppId, userId: string, request: UpdateUserRequest): Promise<User> {
      if (request.metadata) assertMetadataSize(request.metadata, limits);
      const user = await repos.users.update(appId, userId, {
        displayName: request.display_name,
        avatarUrl: request.avatar_url,
        metadata: request.metadata,
      });
      if (!user) throw await missingOrErased(appId, userId);
      return presentUser(user);
    },

    /**
     * Soft delete: the user's tokens are refused on every node within a second and none is minted
     * until reactivated; memberships and messages stay. Idempotent (an erased user stays erased).
     * @throws 404 for a user not in the app.
     */
    async deactivate(appId: AppId, userId: string): Promise<User> {
      return presentUser(await deactivate(appId, userId));
    },

    /**
     * Hard delete (GDPR erasure): deactivated first, so no token of theirs acts meanwhile, then
     * erased (see `erase`). Erasing an erased user changes nothing and answers the same.
     * @throws 404 for a user not in the app.
     */
    async erase(appId: AppId, userId: string): Promise<User> {
      const user = await deactivate(appId, userId);
      return presentUser(user.erasedAt ? user : await erase(appId, user));
    },

    /**
     * The user may have tokens again: newly minted ones (the tokens from before the deactivation
     * stay refused). Reactivating an active user changes nothing.
     * @throws 404 for a user not in the app, 409 for an erased one (create a new user instead).
     */
    async reactivate(appId: AppId, userId: string): Promise<User> {
      const user = await repos.users.reactivate(appId, userId);
      if (!user) throw await missingOrErased(appId, userId);
      return presentUser(user);
    },

    /**
     * Everything stored about the user as chunks of one JSON document (UserExport), read as they
     * are consumed.
     * @throws 404 for a user not in the app (before the first chunk).
     */
    async export(appId: AppId, userId: string): Promise<AsyncIterable<string>> {
      const user = await repos.users.findById(appId, userId);
      if (!user) throw Errors.userNotFound();
      return userExportChunks(repos, appId, user);
    },
  };
}

export type UsersService = ReturnType<typeof createUsersService>;
