import { randomUUID } from 'node:crypto';
import { sql, type SQL } from 'drizzle-orm';
import type { Database } from '../client.ts';
import { pgErrorCode, UNIQUE_VIOLATION } from '../errors.ts';
import type { MessageRecord } from '../records.ts';
import { isUuid, type AppId } from '../tenant.ts';
import { fixedStatement, fixedStatements } from './fixed-statement.ts';
import { dateFromText, dateOrNullFromText } from './raw-values.ts';
import { PAGE_JSON, isoText, pageQuery, type HistoryPage, type Window } from './history-page.ts';
import {
  AUTHOR_COLUMNS,
  INSERT_BATCH,
  INSERT_ONE,
  batchRows,
  type InsertStatements,
  type NewMessage,
  type PendingInsert,
} from './message-batch.ts';
import { createMessageWriter, type InsertResult } from './message-writer.ts';
import { CHANGE_LOG_VERSIONS, nthChangeVersion } from './channel-changes.ts';
import { PINS_JSON, REPLIES_JSON } from './thread-and-pin-pages.ts';
import { changedMessageJson, recordWebhookEvents, webhookEventColumn } from './webhook-outbox.ts';

/** message.updated for an edited message (`edited`, its author `u`), in the edit's statement. */
const EDITED_COLUMN = webhookEventColumn({
  type: 'message.updated',
  appId: 'edited.app_id',
  channelId: 'edited.channel_id',
  data: changedMessageJson('edited', 'u'),
});

/** message.deleted for a deleted message (`deleted`), in the delete's statement: MessageDeletedEvent. */
const DELETED_COLUMN = webhookEventColumn({
  type: 'message.deleted',
  appId: 'deleted.app_id',
  channelId: 'deleted.channel_id',
  data: `jsonb_build_object('messageId', deleted.id, 'channelId', deleted.channel_id, 'seq', deleted.seq,
           'deletedAt', ${isoText('deleted.deleted_at')}, 'version', deleted.change_version)`,
});

export type { NewMessage } from './message-batch.ts';

export type { HistoryPage } from './history-page.ts';

/** A change a catch-up returns: a message as it is now, or a logged event (payload without `version`). */
export type ChangeRecord = { version: number; message: MessageRecord } | { version: number; event: string; payload: Record<string, unknown> };

/** What one messages.sync returns, read in one snapshot (see catchUp). */
export interface CatchUpPage {
  lastSeq: number;
  /** The channel version the page brings its reader up to. */
  version: number;
  /** How many versions `afterVersion` is behind the channel's (0 without one); past CHANGE_LOG_VERSIONS, nothing was read. */
  versionsBehind: number;
  changes: ChangeRecord[];
  messages: MessageRecord[];
  hasMore: boolean;
}

/** A history page's JSON text and the channel's history version it was rendered at. */
export interface RenderedPage {
  json: string;
  version: string | undefined;
}

/** A message row plus its author's columns, as the raw statements below return it. */
interface RawMessageRow {
  id: string;
  app_id: string;
  channel_id: string;
  user_id: string;
  seq: string | number;
  text: string | null;
  attachments: Record<string, unknown>[];
  metadata: Record<string, unknown>;
  parent_id: string | null;
  client_id: string | null;
  created_at: string;
  updated_at: string;
  deleted_at: string | null;
  edited_at: string | null;
  reply_count: number;
  last_reply_at: string | null;
  pinned_at: string | null;
  pinned_by: string | null;
  author_external_id: string;
  author_display_name: string | null;
  author_avatar_url: string | null;
  reaction_counts: Record<string, number>;
  change_version: string | null;
}


function toMessageRecord(row: RawMessageRow): MessageRecord {
  return {
    id: row.id,
    appId: row.app_id,
    channelId: row.channel_id,
    userId: row.user_id,
    seq: Number(row.seq),
    text: row.text,
    attachments: row.attachments,
    metadata: row.metadata,
    parentId: row.parent_id,
    clientId: row.client_id,
    createdAt: dateFromText(row.created_at),
    updatedAt: dateFromText(row.updated_at),
    deletedAt: dateOrNullFromText(row.deleted_at),
    editedAt: dateOrNullFromText(row.edited_at),
    reactionCounts: row.reaction_counts,
    replyCount: Number(row.reply_count),
    lastReplyAt: dateOrNullFromText(row.last_reply_at),
    pinnedAt: dateOrNullFromText(row.pinned_at),
    pinnedBy: row.pinned_by,
    changeVersion: row.change_version === null ? null : Number(row.change_version),
    author: {
      externalId: row.author_external_id,
      displayName: row.author_display_name,
      avatarUrl: row.author_avatar_url,
    },
  };
}

/** A page of a thread: the newest `limit` live replies, or those created strictly before `before`. */
export interface RepliesPage {
  limit: number;
  before?: Date;
  /** Numbered pages: the newest replies after skipping this many (not with `before`). */
  offset?: number;
}

/** A rendered list page (the JSON text of a ListedMessage array) and how many items the whole list has. */
export interface CountedJsonPage {
  json: string;
  total: number;
}

/** Message rows `m` with their authors' columns (`u`), as RawMessageRow: add the conditions. */
const MESSAGES_WITH_AUTHORS = sql.raw(`select m.*, ${AUTHOR_COLUMNS} from messages m join users u on u.id = m.user_id`);

/** The message (with its author) in a transaction that changed it, or undefined. */
async function findWithAuthor(
  tx: Pick<Database, 'execute'>,
  appId: AppId,
  channelId: string,
  messageId: string,
): Promise<MessageRecord | undefined> {
  const [row] = (await tx.execute(sql`
    ${MESSAGES_WITH_AUTHORS}
     where m.app_id = ${appId} and m.channel_id = ${channelId} and m.id = ${messageId}`)) as unknown as RawMessageRow[];
  return row && toMessageRecord(row);
}

/** Sends one statement writes at most, and statements one process runs at once. */
const MAX_SENDS_PER_STATEMENT = 100;
const MAX_INSERT_STATEMENTS_IN_FLIGHT = 4;

/** Locks a live channel's row, as sends do: whatever changes its messages commits in order with them. */
async function lockLiveChannel(tx: Pick<Database, 'execute'>, appId: AppId, channelId: string): Promise<boolean> {
  const locked = await tx.execute(sql`select 1 from channels where id = ${channelId} and app_id = ${appId} and deleted_at is null for update`);
  return locked.length > 0;
}

export function createMessagesRepository(db: Database) {
  const rows = async (query: SQL) => (await db.execute(query)) as unknown as RawMessageRow[];
  const insertStatements = fixedStatements<RawMessageRow, keyof InsertStatements>(db, INSERT_BATCH);
  const insertOneStatements = fixedStatements<RawMessageRow, keyof InsertStatements>(db, INSERT_ONE);
  /** Which statement of a pair stores these sends: only replies pay for counting replies. */
  const variantFor = (parentIds: (string | null)[]): keyof InsertStatements =>
    parentIds.some((parentId) => parentId !== null) ? 'withReplies' : 'plain';
  const pageJson = fixedStatements<{ page: string; version: string | null }, Window>(db, PAGE_JSON);
  const repliesJson = fixedStatements<{ total: number | null; page: string }>(db, REPLIES_JSON);
  const pinsJson = fixedStatement<{ total: string; page: string }>(db, PINS_JSON);

  const findByClientId = async (appId: AppId, channelId: string, userId: string, clientId: string) => {
    const [row] = await rows(sql`
      ${MESSAGES_WITH_AUTHORS}
      where m.app_id = ${appId} and m.channel_id = ${channelId}
        and m.user_id = ${userId} and m.client_id = ${clientId}`);
    return row && toMessageRecord(row);
  };

  const insertBatch = async (batch: ReturnType<typeof batchRows>) =>
    (await insertStatements[variantFor(batch.map((row) => row.parent_id))](JSON.stringify(batch))).map(toMessageRecord);

  /**
   * One send alone (INSERT_ONE, the batch statement's rules for one send). No lookup first: a
   * stored clientId is left out by the statement (or, stored concurrently, fails the unique
   * index, which rolls back the seq bump with it), and only then is the original fetched.
   */
  async function insertOne(send: PendingInsert): Promise<InsertResult> {
    const { appId, channelId, userId, message } = send;
    let stored: MessageRecord | undefined;
    let failure: unknown;
    try {
      const [row] = await insertOneStatements[variantFor([message.parentId])](
        appId,
        channelId,
        userId,
        message.text,
        JSON.stringify(message.attachments),
        JSON.stringify(message.metadata),
        message.parentId,
        message.clientId,
        randomUUID(),
      );
      stored = row && toMessageRecord(row);
    } catch (error) {
      if (!(message.clientId && pgErrorCode(error) === UNIQUE_VIOLATION)) throw error;
      failure = error;
    }
    if (stored) return { message: stored, created: true };
    // A retry, or two sends with one clientId racing: return the message stored first.
    const existing = message.clientId ? await findByClientId(appId, channelId, userId, message.clientId) : undefined;
    if (existing) return { message: existing, created: false };
    if (failure) throw failure;
    // No row: the channel was deleted (or is not in this app) since the membership was checked.
    return undefined;
  }

  const writer = createMessageWriter(insertOne, insertBatch, {
    maxBatch: MAX_SENDS_PER_STATEMENT,
    maxInFlight: MAX_INSERT_STATEMENTS_IN_FLIGHT,
  });

  return {
    /**
     * Inserts a message with the channel's next seq. One statement bumps
     * channels.last_seq (its row lock orders concurrent senders) and inserts the
     * message, so a failure rolls both back and seqs stay gap-free; concurrent sends
     * share statements (see createMessageWriter), and the channel's counters move in the
     * same statement. created_at is
     * forced strictly increasing per channel, in whole milliseconds (the precision
     * the API shows), so time order equals seq order and a `before` cursor copied
     * from a response is exact. A burst above 1,000 messages/s in one channel runs
     * its clock ahead briefly rather than reusing a millisecond.
     * A retried clientId returns the message stored the first time.
     * @returns undefined when the channel is deleted or not in this app.
     */
    insert(appId: AppId, channelId: string, userId: string, message: NewMessage): Promise<InsertResult> {
      return writer.insert({ appId, channelId, userId, message });
    },

    /** The user's message sent with this clientId in the channel, or undefined. */
    findByClientId,

    /** A message of the channel that is not deleted (with its parent: null unless it is a reply), or undefined. */
    async findLive(
      appId: AppId,
      channelId: string,
      messageId: string,
    ): Promise<{ id: string; userId: string; parentId: string | null } | undefined> {
      if (!isUuid(channelId) || !isUuid(messageId)) return undefined;
      const [row] = (await db.execute(sql`
        select id, user_id, parent_id from messages
        where app_id = ${appId} and channel_id = ${channelId} and id = ${messageId} and deleted_at is null`)) as unknown as {
        id: string;
        user_id: string;
        parent_id: string | null;
      }[];
      return row && { id: row.id, userId: row.user_id, parentId: row.parent_id };
    },

    /** A live message anywhere in the app, with its channel. */
    async findLiveInApp(appId: AppId, messageId: string): Promise<{ id: string; channelId: string } | undefined> {
      if (!isUuid(messageId)) return undefined;
      const [row] = (await db.execute(sql`
        select id, channel_id from messages
        where app_id = ${appId} and id = ${messageId} and deleted_at is null`)) as unknown as {
        id: string;
        channel_id: string;
      }[];
      return row && { id: row.id, channelId: row.channel_id };
    },

    /**
     * A catch-up page (see CatchUpPage), read in one snapshot. With `afterVersion`: first the
     * changes after it — messages of seq ≤ `afterSeq` changed since (each once, as it is now) and
     * the channel's logged events, leaving out reaction events on messages after `afterSeq` (the
     * client gets those messages whole) — in version order; when more than `limit`, only changes
     * (the page ends at the last one's version). Then up to `limit` messages after `afterSeq`.
     * Nothing is read for an `afterVersion` more than CHANGE_LOG_VERSIONS behind (see versionsBehind).
     * @returns undefined when the channel is not a live channel of this app.
     */
    async catchUp(
      appId: AppId,
      channelId: string,
      page: { afterSeq: number; afterVersion: number | undefined; limit: number },
    ): Promise<CatchUpPage | undefined> {
      if (!isUuid(channelId)) return undefined;
      const { afterSeq, afterVersion, limit } = page;
      return db.transaction(
        async (tx) => {
          const [channel] = (await tx.execute(sql`
            select last_seq, history_version from channels where id = ${channelId} and app_id = ${appId} and deleted_at is null`)) as unknown as {
            last_seq: string;
            history_version: string;
          }[];
          if (!channel) return undefined;
          const lastSeq = Number(channel.last_seq);
          const channelVersion = Number(channel.history_version);
          const versionsBehind = afterVersion === undefined ? 0 : Math.max(0, channelVersion - afterVersion);
          if (versionsBehind > CHANGE_LOG_VERSIONS) return { lastSeq, version: channelVersion, versionsBehind, changes: [], messages: [], hasMore: true };
          let changes: ChangeRecord[] = [];
          if (afterVersion !== undefined) {
            const changed = (await tx.execute(sql`
              ${MESSAGES_WITH_AUTHORS}
               where m.app_id = ${appId} and m.channel_id = ${channelId} and m.seq <= ${afterSeq} and m.change_version > ${afterVersion}
               order by m.change_version limit ${limit + 1}`)) as unknown as RawMessageRow[];
            const logged = (await tx.execute(sql`
              select e.version, e.event, e.payload from channel_events e
               where e.app_id = ${appId} and e.channel_id = ${channelId} and e.version > ${afterVersion}
                 and (e.message_id is null or exists (select 1 from messages m where m.id = e.message_id and m.seq <= ${afterSeq}))
               order by e.version limit ${limit + 1}`)) as unknown as { version: string; event: string; payload: Record<string, unknown> }[];
            changes = [
              ...changed.map((row) => ({ version: Number(row.change_version), message: toMessageRecord(row) })),
              ...logged.map((row) => ({ version: Number(row.version), event: row.event, payload: row.payload })),
            ].sort((a, b) => a.version - b.version);
            if (changes.length > limit) {
              changes = changes.slice(0, limit);
              return { lastSeq, version: changes.at(-1)!.version, versionsBehind, changes, messages: [], hasMore: true };
            }
          }
          const messages = (await tx.execute(sql`
            ${MESSAGES_WITH_AUTHORS}
             where m.app_id = ${appId} and m.channel_id = ${channelId} and m.seq > ${afterSeq}
             order by m.seq limit ${limit + 1}`)) as unknown as RawMessageRow[];
          return {
            lastSeq,
            version: channelVersion,
            versionsBehind,
            changes,
            messages: messages.slice(0, limit).map(toMessageRecord),
            hasMore: messages.length > limit,
          };
        },
        // One snapshot: the version read is the one every change and message read is at.
        { isolationLevel: 'repeatable read', accessMode: 'read only' },
      );
    },

    /**
     * A page of history (see HistoryPage) as the JSON text of the API's ListedMessage array,
     * rendered by Postgres: the node forwards it without decoding 50 rows, building objects
     * and serializing them again (measured in docs/benchmarks.md). The shape is the
     * contract's; the tests check every response against it.
     * @returns the page and the channel's history version it shows (undefined: no such channel).
     */
    async renderHistoryPage(appId: AppId, channelId: string, page: HistoryPage): Promise<RenderedPage> {
      const { window, parameters } = pageQuery(appId, channelId, page);
      const [row] = await pageJson[window](...parameters);
      return { json: row!.page, version: row!.version ?? undefined };
    },

    /**
     * A page of the replies to `parentId` as the JSON text of a ListedMessage array (see
     * REPLIES_JSON), rendered by Postgres like a history page.
     * @returns undefined when the parent is not a message of this channel.
     */
    async renderRepliesPage(appId: AppId, channelId: string, parentId: string, page: RepliesPage): Promise<CountedJsonPage | undefined> {
      if (!isUuid(channelId) || !isUuid(parentId)) return undefined;
      const [row] = page.before
        ? await repliesJson.before!(appId, channelId, parentId, page.limit, page.before.toISOString())
        : page.offset
          ? await repliesJson.offset!(appId, channelId, parentId, page.limit, page.offset)
          : await repliesJson.newest!(appId, channelId, parentId, page.limit);
      return row!.total === null ? undefined : { json: row!.page, total: Number(row!.total) };
    },

    /** The channel's pinned messages, newest pin first, as the JSON text of a ListedMessage array, and how many. */
    async renderPinsPage(appId: AppId, channelId: string, page: { limit: number; offset: number }): Promise<CountedJsonPage> {
      if (!isUuid(channelId)) return { json: '[]', total: 0 };
      const [row] = await pinsJson(appId, channelId, page.limit, page.offset);
      return { json: row!.page, total: Number(row!.total) };
    },

    /**
     * Pins a live message (`pinnedBy`: who) or unpins it (null), moving the channel's history
     * version in the same transaction when that changes anything. The channel row is locked first,
     * as sends lock it before a reply's parent row.
     * @returns the message as it is now, and whether this call changed it; undefined when there is no such live message.
     */
    async setPinned(
      appId: AppId,
      channelId: string,
      messageId: string,
      pinnedBy: string | null,
    ): Promise<{ message: MessageRecord; changed: boolean } | undefined> {
      if (!isUuid(channelId) || !isUuid(messageId)) return undefined;
      return db.transaction(async (tx) => {
        if (!(await lockLiveChannel(tx, appId, channelId))) return undefined;
        const bumped = await tx.execute(sql`
          with changed as (
            update messages set pinned_at = ${pinnedBy === null ? sql`null` : sql`now()`}, pinned_by = ${pinnedBy},
                   change_version = ${nthChangeVersion(sql`${channelId}`)}
             where app_id = ${appId} and channel_id = ${channelId} and id = ${messageId} and deleted_at is null
               and ${pinnedBy === null ? sql`pinned_at is not null` : sql`pinned_at is null`}
            returning channel_id
          )
          update channels c set history_version = c.history_version + 1 from changed where c.id = changed.channel_id
          returning c.id`);
        const message = await findWithAuthor(tx, appId, channelId, messageId);
        return message && message.deletedAt === null ? { message, changed: bumped.length > 0 } : undefined;
      });
    },

    /**
     * Replaces the text (and the attachments or metadata given) of the author's own live message,
     * sets edited_at, and moves the channel's history version in the same transaction. The channel
     * row is locked first, as sends and deletes lock it.
     * @returns the message after, undefined when there is no such live message of this author.
     */
    async editOwn(
      appId: AppId,
      channelId: string,
      messageId: string,
      authorId: string,
      content: { text: string | null; attachments?: Record<string, unknown>[]; metadata?: Record<string, unknown> },
    ): Promise<MessageRecord | undefined> {
      if (!isUuid(channelId) || !isUuid(messageId)) return undefined;
      const json = (value: unknown) => (value === undefined ? null : JSON.stringify(value));
      return db.transaction(async (tx) => {
        if (!(await lockLiveChannel(tx, appId, channelId))) return undefined;
        const [row] = (await tx.execute(sql`
          with edited as (
            update messages
               set text = ${content.text},
                   attachments = coalesce(${json(content.attachments)}::jsonb, attachments),
                   metadata = coalesce(${json(content.metadata)}::jsonb, metadata),
                   edited_at = now(), updated_at = now(), change_version = ${nthChangeVersion(sql`${channelId}`)}
             where app_id = ${appId} and channel_id = ${channelId} and id = ${messageId}
               and user_id = ${authorId} and deleted_at is null
            returning *
          ), bumped as (
            update channels c set history_version = c.history_version + 1 from edited e where c.id = e.channel_id
          )
          select edited.*, ${sql.raw(AUTHOR_COLUMNS)}${sql.raw(EDITED_COLUMN)} from edited join users u on u.id = edited.user_id`)) as unknown as RawMessageRow[];
        return row && toMessageRecord(row);
      });
    },

    /**
     * Soft-deletes a live message — only if `authorId` wrote it, unless `authorId` is `any`
     * (a moderator's delete) — unpins it, and takes it out of the channel's message_count (and
     * last_message_at, if it was the newest) and, for a reply, out of its parent's reply_count
     * (and last_reply_at) in the same transaction. The channel row is locked first — the lock
     * sends take — so the second statement's snapshot holds every message committed before it.
     * @returns undefined when there is no such live message (of this author); `version`: the
     * delete's change version; `parent`: a deleted reply's parent as it is now (its own version next).
     */
    async softDelete(
      appId: AppId,
      channelId: string,
      messageId: string,
      authorId: string | 'any',
    ): Promise<{ seq: number; deletedAt: Date; version: number; parent: MessageRecord | undefined } | undefined> {
      if (!isUuid(channelId) || !isUuid(messageId)) return undefined;
      return db.transaction(async (tx) => {
        if (!(await lockLiveChannel(tx, appId, channelId))) return undefined;
        const [row] = (await tx.execute(sql`
          with deleted as (
            update messages set deleted_at = now(), updated_at = now(), pinned_at = null, pinned_by = null,
                   change_version = ${nthChangeVersion(sql`${channelId}`)}
             where app_id = ${appId} and channel_id = ${channelId} and id = ${messageId}
               ${authorId === 'any' ? sql`` : sql`and user_id = ${authorId}`} and deleted_at is null
            returning id, app_id, channel_id, seq, deleted_at, created_at, parent_id, change_version
          ), unreplied as (
            -- The snapshot still shows the reply live: its newest sibling is found without it.
            -- The parent's change comes after the reply's: a version of its own.
            update messages p
               set reply_count = p.reply_count - 1,
                   last_reply_at = (select max(r.created_at) from messages r
                                     where r.parent_id = p.id and r.deleted_at is null and r.id <> d.id),
                   change_version = ${nthChangeVersion(sql`${channelId}`, 2)}
              from deleted d
             where p.id = d.parent_id and p.channel_id = ${channelId}
            returning p.id
          ), counted as (
            update channels c
               set message_count = c.message_count - 1,
                   history_version = c.history_version + 1 + (select count(*) from unreplied),
                   last_message_at = case when c.last_message_at = d.created_at
                     then (select m.created_at from messages m
                            where m.channel_id = c.id and m.deleted_at is null and m.seq <> d.seq
                            order by m.seq desc limit 1)
                     else c.last_message_at end
              from deleted d
             where c.id = ${channelId}
          )
          select seq, deleted_at, parent_id, change_version${sql.raw(DELETED_COLUMN)} from deleted`)) as unknown as {
          seq: string;
          deleted_at: string;
          parent_id: string | null;
          change_version: string;
        }[];
        if (!row) return undefined;
        if (row.parent_id !== null) {
          // The parent's message.updated after the reply's message.deleted, as the channel hears them.
          await recordWebhookEvents(tx, {
            type: 'message.updated',
            from: 'messages m join users u on u.id = m.user_id',
            where: sql`m.id = ${row.parent_id} and m.channel_id = ${channelId}`,
            appId: 'm.app_id',
            channelId: 'm.channel_id',
            data: changedMessageJson('m', 'u'),
          });
        }
        const parent = row.parent_id === null ? undefined : await findWithAuthor(tx, appId, channelId, row.parent_id);
        return { seq: Number(row.seq), deletedAt: dateFromText(row.deleted_at), version: Number(row.change_version), parent };
      });
    },
  };
}

export type MessagesRepository = ReturnType<typeof createMessagesRepository>;
