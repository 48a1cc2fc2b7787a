import { MAX_SYNC_PAGE, type Message, type SyncResult } from '@heyyo/contracts';
import { CHANGE_LOG_VERSIONS, type CountedJsonPage, type HistoryPage, type RepliesPage, type Repositories } from '@heyyo/database';
import type { JobQueue } from '@heyyo/queue';
import type { EventPublisher } from '@heyyo/realtime';
import type { Actor } from './actor.ts';
import type { ChannelsService } from './channels.service.ts';
import { Errors } from './errors.ts';
import { requirePermission } from './permissions.ts';
import type { HistoryCache } from './history-cache.ts';
import { nextVersion } from './jobs.ts';
import { validateMessageInput, type ContentLimits, type MessageInput } from './message-content.ts';
import { presentChange, presentChangedMessage, presentMessage } from './presenters.ts';

/** A page of history: newest first (optionally before a time), or a catch-up after a seq. */
export type { HistoryPage };

/** What an edit changes: the text always, attachments and metadata when given. */
export interface EditInput {
  text: string;
  attachments?: Record<string, unknown>[];
  metadata?: Record<string, unknown>;
}

export interface SyncLimits {
  /** A catch-up further behind than this is told to reload instead. */
  syncMaxBehind: number;
}

export interface MessagesServiceDeps {
  repos: Pick<Repositories, 'messages' | 'reactions' | 'channels'>;
  channels: Pick<ChannelsService, 'requireMembership' | 'requireVoice' | 'takeSlowModeTurn' | 'mayModerate' | 'roleIn'>;
  publisher: EventPublisher;
  jobs: Pick<JobQueue, 'reaction'>;
  limits: ContentLimits & SyncLimits;
  /** Seconds from a send reaching the service to its message.new being published. */
  observeMessageEmit?: (seconds: number) => void;
  /** Rendered history pages this node keeps (see history-cache.ts). */
  historyCache: HistoryCache;
}

export function createMessagesService(deps: MessagesServiceDeps) {
  const { repos, channels, publisher, jobs, limits } = deps;

  /** Refuses a catch-up from `afterSeq` that is too far behind the channel's `lastSeq`. */
  function assertSyncable(lastSeq: number, afterSeq: number) {
    const behind = lastSeq - afterSeq;
    if (behind > limits.syncMaxBehind) throw Errors.resyncRequired(behind, limits.syncMaxBehind);
  }

  /** The channel, after checking that a catch-up from `afterSeq` is not too far behind. */
  async function requireSyncable(actor: Actor, channelId: string, afterSeq: number) {
    const channel = await channels.requireMembership(actor, channelId);
    assertSyncable(channel.lastSeq, afterSeq);
    return channel;
  }

  async function requireLiveMessage(actor: Actor, channelId: string, messageId: string) {
    const message = await repos.messages.findLive(actor.appId, channelId, messageId);
    if (!message) throw Errors.messageNotFound();
    return message;
  }

  /** The live message a reaction is for, after checking the actor may see its channel. */
  async function findReactionTarget(actor: Actor, reaction: { messageId: string; channelId?: string }) {
    if (reaction.channelId) {
      await channels.requireVoice(actor, reaction.channelId);
      const message = await requireLiveMessage(actor, reaction.channelId, reaction.messageId);
      return { id: message.id, channelId: reaction.channelId };
    }
    const found = await repos.messages.findLiveInApp(actor.appId, reaction.messageId);
    if (!found) throw Errors.messageNotFound();
    await channels.requireVoice(actor, found.channelId);
    return found;
  }

  return {
    /**
     * Stores a message with the channel's next seq.
     * @returns created=false when `clientId` matched an earlier send (the original is returned).
     */
    async send(actor: Actor, channelId: string, input: MessageInput): Promise<{ message: Message; created: boolean }> {
      const startedAt = performance.now();
      const valid = validateMessageInput(input, limits);
      const standing = await channels.requireVoice(actor, channelId);
      if (valid.parentId) {
        const parent = await repos.messages.findLive(actor.appId, channelId, valid.parentId);
        if (!parent) throw Errors.parentNotFound();
        // A message's parent_id never changes, so this holds until the insert commits.
        if (parent.parentId !== null) throw Errors.replyToReply();
      }
      let giveTurnBack;
      try {
        giveTurnBack = await channels.takeSlowModeTurn(actor, channelId, standing);
      } catch (refusal) {
        // A retry of a send already stored is answered with it, slow mode or not.
        const stored = valid.clientId && (await repos.messages.findByClientId(actor.appId, channelId, actor.userId, valid.clientId));
        if (stored) return { message: presentMessage(stored), created: false };
        throw refusal;
      }
      const result = await repos.messages.insert(actor.appId, channelId, actor.userId, valid).catch(async (error: unknown) => {
        await giveTurnBack?.();
        throw error;
      });
      // A replayed clientId took no new place in the channel, so no new turn either.
      if (!result?.created) await giveTurnBack?.();
      if (!result) throw Errors.channelNotFound();
      const message = presentMessage(result.message);
      // A replayed clientId was announced the first time.
      if (result.created) {
        publisher.toChannel(channelId, 'message.new', message);
        deps.observeMessageEmit?.((performance.now() - startedAt) / 1000);
      }
      return { message, created: result.created };
    },

    /**
     * History by `before` or `offset` (newest page first) or, with `afterSeq`, catch-up in seq
     * order: the JSON text of a ListedMessage array, rendered by the database (the REST read
     * path), and the channel's live messages (the list's total).
     */
    async historyJson(actor: Actor, channelId: string, query: HistoryPage): Promise<CountedJsonPage> {
      // Asked every time, not remembered: the page version comes with it.
      const access = await repos.channels.findHistoryAccess(actor.appId, channelId, actor.userId);
      if (!access) throw Errors.channelNotFound();
      // Refused: the full check says why (banned, or not a member).
      if (access.role === null) await channels.requireMembership(actor, channelId);
      requirePermission(actor, access.role, 'participate');
      if (query.afterSeq !== undefined) assertSyncable(access.lastSeq, query.afterSeq);
      const json = await deps.historyCache.page(actor.appId, channelId, query, access.historyVersion, () =>
        repos.messages.renderHistoryPage(actor.appId, channelId, query),
      );
      return { json, total: access.messageCount };
    },

    /**
     * A thread's replies, paged like the history (newest page first, each oldest first), as the
     * JSON text of a ListedMessage array rendered by the database.
     * @throws 404 when the parent is not a message of the channel (a deleted parent's replies stay readable).
     */
    async repliesJson(actor: Actor, channelId: string, parentId: string, page: RepliesPage): Promise<CountedJsonPage> {
      await channels.requireMembership(actor, channelId);
      const rendered = await repos.messages.renderRepliesPage(actor.appId, channelId, parentId, page);
      if (rendered === undefined) throw Errors.messageNotFound();
      return rendered;
    },

    /** The channel's pinned messages, newest pin first, as the JSON text of a ListedMessage array, and how many. */
    async pinsJson(actor: Actor, channelId: string, page: { limit: number; offset: number }): Promise<CountedJsonPage> {
      await channels.requireMembership(actor, channelId);
      return repos.messages.renderPinsPage(actor.appId, channelId, page);
    },

    /**
     * Pins or unpins a live message (owners, moderators, app admins); the channel gets
     * message.pinned or message.unpinned with the message as it is now. Pinning a pinned message,
     * or unpinning one that is not, answers the message and announces nothing.
     * @throws 403 without the permission, 404 for a missing or deleted message.
     */
    async setPinned(actor: Actor, channelId: string, messageId: string, pinned: boolean): Promise<Message> {
      requirePermission(actor, await channels.roleIn(actor, channelId), 'pin');
      const result = await repos.messages.setPinned(actor.appId, channelId, messageId, pinned ? actor.userId : null);
      if (!result) throw Errors.messageNotFound();
      const message = presentMessage(result.message);
      if (result.changed) publisher.toChannel(channelId, pinned ? 'message.pinned' : 'message.unpinned', presentChangedMessage(result.message));
      return message;
    },

    /**
     * What a reconnecting client missed: with `afterVersion`, the changes after it (see
     * CatchUpPage), then the messages after `afterSeq` in seq order, without gaps.
     */
    async sync(actor: Actor, channelId: string, page: { afterSeq: number; afterVersion?: number; limit: number }): Promise<SyncResult> {
      await requireSyncable(actor, channelId, page.afterSeq);
      const limit = Math.min(page.limit, MAX_SYNC_PAGE);
      const caughtUp = await repos.messages.catchUp(actor.appId, channelId, { afterSeq: page.afterSeq, afterVersion: page.afterVersion, limit });
      if (!caughtUp) throw Errors.channelNotFound();
      // The channel's older logged events are gone (CHANGE_LOG_VERSIONS).
      if (caughtUp.versionsBehind > CHANGE_LOG_VERSIONS) throw Errors.resyncRequired(caughtUp.versionsBehind, CHANGE_LOG_VERSIONS, 'versions');
      return {
        changes: caughtUp.changes.map(presentChange),
        messages: caughtUp.messages.map(presentMessage),
        hasMore: caughtUp.hasMore,
        lastSeq: Math.max(caughtUp.lastSeq, caughtUp.messages.at(-1)?.seq ?? 0),
        version: caughtUp.version,
      };
    },

    /**
     * Edits the actor's own message (the text; attachments or metadata when given), under a
     * send's rules and limits; members get message.updated. Anyone else's looks like a missing one.
     */
    async edit(actor: Actor, channelId: string, messageId: string, input: EditInput): Promise<Message> {
      const valid = validateMessageInput({ text: input.text, attachments: input.attachments ?? [], metadata: input.metadata ?? {} }, limits);
      await channels.requireVoice(actor, channelId);
      const edited = await repos.messages.editOwn(actor.appId, channelId, messageId, actor.userId, {
        text: valid.text,
        ...(input.attachments === undefined ? {} : { attachments: valid.attachments }),
        ...(input.metadata === undefined ? {} : { metadata: valid.metadata }),
      });
      if (!edited) throw Errors.messageNotFoundOrUnauthorized();
      publisher.toChannel(channelId, 'message.updated', presentChangedMessage(edited));
      return presentMessage(edited);
    },

    /** Soft-deletes the actor's own message, or anyone's for a moderator; to others it looks like a missing one. */
    async delete(actor: Actor, channelId: string, messageId: string): Promise<void> {
      const deleted =
        (await repos.messages.softDelete(actor.appId, channelId, messageId, actor.userId)) ??
        // Someone else's: moderators may; to anyone else it looks like a missing message.
        ((await channels.mayModerate(actor, channelId)) ? await repos.messages.softDelete(actor.appId, channelId, messageId, 'any') : undefined);
      if (!deleted) throw Errors.messageNotFoundOrUnauthorized();
      publisher.toChannel(channelId, 'message.deleted', {
        messageId,
        channelId,
        seq: deleted.seq,
        deletedAt: deleted.deletedAt.toISOString(),
        version: deleted.version,
      });
      // A new reply needs no event for its parent (clients count message.new with a parent_id);
      // a deleted one does: only the server knows the thread's newest live reply now.
      if (deleted.parent) publisher.toChannel(channelId, 'message.updated', presentChangedMessage(deleted.parent));
    },

    /**
     * Accepts a reaction change: checked here (membership, live message), stored in
     * the queue, and applied and announced by the worker. Adding the same reaction
     * twice, or removing one that is not there, changes nothing.
     */
    async changeReaction(
      actor: Actor,
      op: 'add' | 'remove',
      reaction: { messageId: string; type: string; channelId?: string },
    ): Promise<void> {
      const type = reaction.type.trim();
      if (!type) throw Errors.validation('type must not be empty');
      const target = await findReactionTarget(actor, reaction);
      await jobs.reaction({
        op,
        appId: actor.appId,
        channelId: target.channelId,
        messageId: target.id,
        userId: actor.userId,
        externalId: actor.externalId,
        type,
        version: nextVersion(),
      });
    },
  };
}

export type MessagesService = ReturnType<typeof createMessagesService>;
