import { sql } from 'drizzle-orm';
import {
  bigint,
  bigserial,
  boolean,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  uuid,
  type AnyPgColumn,
} from 'drizzle-orm/pg-core';

const createdAt = () => timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow();
const updatedAt = () => timestamp('updated_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow();

/** Tenants. The api_secret is never stored: only its SHA-256. */
export const apps = pgTable('apps', {
  id: uuid('id').primaryKey().defaultRandom(),
  name: text('name').notNull(),
  apiKey: text('api_key').notNull().unique(),
  apiSecretHash: text('api_secret_hash').notNull(),
  /**
   * Bumped whenever a user of the app changes their display name or avatar: history pages show
   * the author's profile, in any channel they ever wrote in, so every cached page of the app is
   * stale then (profile changes are rare; a page cache keyed by it stays simple and exact).
   */
  profileVersion: bigint('profile_version', { mode: 'number' }).notNull().default(0),
  createdAt: createdAt(),
});

/** End users, known by the tenant's own id (external_id), unique per app. */
export const users = pgTable(
  'users',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    appId: uuid('app_id')
      .notNull()
      .references(() => apps.id, { onDelete: 'cascade' }),
    externalId: text('external_id').notNull(),
    displayName: text('display_name'),
    avatarUrl: text('avatar_url'),
    /** The tenant's own data about the user (`PATCH /api/users/:id`), bounded like a channel's. */
    metadata: jsonb('metadata').$type<Record<string, unknown>>().notNull().default({}),
    /** Tokens issued before this instant are refused (`POST /api/users/:id/revoke-tokens`). */
    tokensValidAfter: timestamp('tokens_valid_after', { withTimezone: true, mode: 'date' }),
    /** Set by `DELETE /api/users/:id`: every token of the user is refused and none is minted until reactivated. */
    deactivatedAt: timestamp('deactivated_at', { withTimezone: true, mode: 'date' }),
    /**
     * Set by `DELETE /api/users/:id?hard=true` once the user's messages, reactions, memberships and
     * profile are erased; the row stays as the anonymous author of the tombstones.
     */
    erasedAt: timestamp('erased_at', { withTimezone: true, mode: 'date' }),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (table) => [
    uniqueIndex('users_app_external_id_key').on(table.appId, table.externalId),
    // GET /api/users pages in creation order: read in order, not sorted per request.
    index('users_app_created_idx').on(table.appId, table.createdAt, table.id),
  ],
);

/** Single tokens revoked by their `jti`, kept until they would have expired anyway. */
export const revokedTokens = pgTable(
  'revoked_tokens',
  {
    jti: text('jti').primaryKey(),
    appId: uuid('app_id')
      .notNull()
      .references(() => apps.id, { onDelete: 'cascade' }),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    expiresAt: timestamp('expires_at', { withTimezone: true, mode: 'date' }).notNull(),
  },
  (table) => [index('revoked_tokens_user_idx').on(table.userId, table.expiresAt)],
);

export const channels = pgTable(
  'channels',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    appId: uuid('app_id')
      .notNull()
      .references(() => apps.id, { onDelete: 'cascade' }),
    type: text('type').notNull().default('messaging'),
    name: text('name').notNull(),
    description: text('description'),
    metadata: jsonb('metadata').$type<Record<string, unknown>>().notNull().default({}),
    createdBy: uuid('created_by')
      .notNull()
      .references(() => users.id),
    /** Highest message seq handed out; bumped in the same statement that inserts a message. */
    lastSeq: bigint('last_seq', { mode: 'number' }).notNull().default(0),
    /** created_at of seq `last_seq`: the channel's clock, kept strictly increasing. */
    lastSeqAt: timestamp('last_seq_at', { withTimezone: true, mode: 'date' }),
    // The counters below change in the same statement as the rows they count (a send, a
    // delete, a join), so they are exact without a recount; `npm run reconcile` checks them.
    /** created_at of the newest message not deleted. */
    lastMessageAt: timestamp('last_message_at', { withTimezone: true, mode: 'date' }),
    memberCount: integer('member_count').notNull().default(0),
    /** Messages not deleted. */
    messageCount: bigint('message_count', { mode: 'number' }).notNull().default(0),
    /**
     * Bumped by every change to what the channel's history shows (a message stored or deleted, a
     * reaction or reaction count changed), in the statement that makes it: with the app's
     * profile_version, the key that tells an API node its rendered history page is still current.
     */
    historyVersion: bigint('history_version', { mode: 'number' }).notNull().default(0),
    /** One message per member per this many seconds (0: off); moderators are exempt. */
    slowModeSeconds: integer('slow_mode_seconds').notNull().default(0),
    /** Set by `DELETE /api/channels/:id`: every read then answers 404; the history is kept for export. */
    deletedAt: timestamp('deleted_at', { withTimezone: true, mode: 'date' }),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (table) => [index('channels_app_created_idx').on(table.appId, table.createdAt)],
);

export const channelMembers = pgTable(
  'channel_members',
  {
    channelId: uuid('channel_id')
      .notNull()
      .references(() => channels.id, { onDelete: 'cascade' }),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    appId: uuid('app_id')
      .notNull()
      .references(() => apps.id, { onDelete: 'cascade' }),
    role: text('role').$type<'owner' | 'member'>().notNull().default('member'),
    joinedAt: timestamp('joined_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
    /**
     * The member has read every message up to this seq. Their unread count is arithmetic on
     * it (see unreadCountOf), so no send writes any member's row.
     */
    lastReadSeq: bigint('last_read_seq', { mode: 'number' }).notNull().default(0),
  },
  (table) => [
    primaryKey({ columns: [table.channelId, table.userId] }),
    // "my channels" lookups go by user.
    index('channel_members_user_idx').on(table.userId, table.channelId),
  ],
);

export const messages = pgTable(
  'messages',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    appId: uuid('app_id')
      .notNull()
      .references(() => apps.id, { onDelete: 'cascade' }),
    channelId: uuid('channel_id')
      .notNull()
      .references(() => channels.id, { onDelete: 'cascade' }),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id),
    /** 1, 2, 3 … per channel, gap-free: taken from channels.last_seq in the insert statement. */
    seq: bigint('seq', { mode: 'number' }).notNull(),
    text: text('text'),
    attachments: jsonb('attachments').$type<Record<string, unknown>[]>().notNull().default([]),
    metadata: jsonb('metadata').$type<Record<string, unknown>>().notNull().default({}),
    parentId: uuid('parent_id').references((): AnyPgColumn => messages.id),
    /** Client idempotency key: a retried send returns the first message. */
    clientId: text('client_id'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
    deletedAt: timestamp('deleted_at', { withTimezone: true, mode: 'date' }),
    /** When its author last changed its content (`PATCH …/messages/:id`, socket `message.update`). */
    editedAt: timestamp('edited_at', { withTimezone: true, mode: 'date' }),
    /** Live reactions per type, recounted by the worker: `{ ":heart:": 2 }`. */
    reactionCounts: jsonb('reaction_counts').$type<Record<string, number>>().notNull().default({}),
    /**
     * Live replies (messages whose parent_id is this one) and the newest one's created_at: moved by
     * the statement that stores a reply and the transaction that deletes one, so always exact.
     */
    replyCount: integer('reply_count').notNull().default(0),
    lastReplyAt: timestamp('last_reply_at', { withTimezone: true, mode: 'date' }),
    /** Set while the message is pinned in its channel (a delete unpins it). */
    pinnedAt: timestamp('pinned_at', { withTimezone: true, mode: 'date' }),
    /**
     * The user (of the app) who pinned it. No foreign key: its check trigger would run on every
     * send, the hot path, for a column a send never sets.
     */
    pinnedBy: uuid('pinned_by'),
    /**
     * The channel version (channels.history_version) of the message's last change after it was
     * stored: an edit, a delete, a pin, a recount of its reactions or replies, an erasure. Set by the
     * statement that changes it, which moves the channel's version to this value (every change its
     * own version). Catch-up returns the messages changed after the version a client holds.
     * Null: never changed (sends leave it null, so the hot path pays nothing).
     */
    changeVersion: bigint('change_version', { mode: 'number' }),
  },
  (table) => [
    uniqueIndex('messages_channel_seq_key').on(table.channelId, table.seq),
    // message_count = last_seq − deleted messages: this keeps the second term cheap.
    index('messages_channel_deleted_idx').on(table.channelId, table.seq).where(sql`${table.deletedAt} IS NOT NULL`),
    uniqueIndex('messages_channel_user_client_id_key')
      .on(table.channelId, table.userId, table.clientId)
      .where(sql`${table.clientId} IS NOT NULL`),
    // History pages: newest-before-a-timestamp per channel.
    index('messages_channel_created_idx').on(table.channelId, table.createdAt),
    // A thread's replies in time order: its pages, and its newest live reply after a delete.
    index('messages_parent_idx').on(table.parentId, table.createdAt).where(sql`${table.parentId} IS NOT NULL`),
    // A channel's pins, newest first.
    index('messages_channel_pinned_idx').on(table.channelId, table.pinnedAt).where(sql`${table.pinnedAt} IS NOT NULL`),
    // Unread counts leave out a member's own messages after their read position.
    index('messages_channel_user_seq_idx').on(table.channelId, table.userId, table.seq),
    // Catch-up: a channel's messages changed after a version.
    index('messages_channel_change_idx').on(table.channelId, table.changeVersion).where(sql`${table.changeVersion} IS NOT NULL`),
  ],
);

/**
 * A channel's change log beside its messages: reactions applied or removed, members joining,
 * leaving, removed, given a role, banned, muted or lifted, and channel updates — each at the
 * channel version its transaction moved the channel to, with the payload its live event had
 * (without `version`, which is the column). Catch-up replays what follows a client's version.
 */
export const channelEvents = pgTable(
  'channel_events',
  {
    channelId: uuid('channel_id')
      .notNull()
      .references(() => channels.id, { onDelete: 'cascade' }),
    version: bigint('version', { mode: 'number' }).notNull(),
    appId: uuid('app_id')
      .notNull()
      .references(() => apps.id, { onDelete: 'cascade' }),
    /** The live event's name, e.g. `member.left`. */
    event: text('event').notNull(),
    payload: jsonb('payload').$type<Record<string, unknown>>().notNull(),
    /** The message a reaction event is about: catch-up leaves out messages the client does not hold yet. */
    messageId: uuid('message_id'),
    createdAt: createdAt(),
  },
  (table) => [primaryKey({ columns: [table.channelId, table.version] })],
);

export const reactions = pgTable(
  'reactions',
  {
    messageId: uuid('message_id')
      .notNull()
      .references(() => messages.id, { onDelete: 'cascade' }),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    type: text('type').notNull(),
    appId: uuid('app_id')
      .notNull()
      .references(() => apps.id, { onDelete: 'cascade' }),
    createdAt: createdAt(),
    /**
     * When the request that last changed this reaction was made. A change applies only
     * over an older version, so a retried or reordered add/remove cannot undo a newer one.
     */
    version: bigint('version', { mode: 'number' }).notNull().default(0),
    /** Set when removed: the row stays as a tombstone carrying its version. */
    removedAt: timestamp('removed_at', { withTimezone: true, mode: 'date' }),
  },
  (table) => [
    // The key makes a repeated (user, type) a no-op, as the seed says.
    primaryKey({ columns: [table.messageId, table.userId, table.type] }),
    // A user's reactions, for their export and erasure (the key leads with the message).
    index('reactions_user_idx').on(table.userId, table.messageId),
  ],
);

/**
 * A channel's bans and mutes. A ban also ends the membership; a mute leaves the member reading.
 * A row whose expires_at has passed no longer applies (it stays until replaced or lifted).
 */
export const channelRestrictions = pgTable(
  'channel_restrictions',
  {
    channelId: uuid('channel_id')
      .notNull()
      .references(() => channels.id, { onDelete: 'cascade' }),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    kind: text('kind').$type<'ban' | 'mute'>().notNull(),
    appId: uuid('app_id')
      .notNull()
      .references(() => apps.id, { onDelete: 'cascade' }),
    reason: text('reason'),
    /** The moderator; null when the tenant's backend (server API) did it. */
    createdBy: uuid('created_by').references(() => users.id, { onDelete: 'set null' }),
    createdAt: createdAt(),
    /** null: until lifted. */
    expiresAt: timestamp('expires_at', { withTimezone: true, mode: 'date' }),
  },
  (table) => [
    primaryKey({ columns: [table.channelId, table.userId, table.kind] }),
    index('channel_restrictions_user_idx').on(table.userId),
  ],
);

/** App-wide bans, set by the tenant's backend: the user still reads but writes nowhere in the app. */
export const userBans = pgTable('user_bans', {
  userId: uuid('user_id')
    .primaryKey()
    .references(() => users.id, { onDelete: 'cascade' }),
  appId: uuid('app_id')
    .notNull()
    .references(() => apps.id, { onDelete: 'cascade' }),
  reason: text('reason'),
  createdAt: createdAt(),
  /** null: until lifted. */
  expiresAt: timestamp('expires_at', { withTimezone: true, mode: 'date' }),
});

/**
 * A tenant's webhook endpoints (`/api/webhooks`). The secret is stored as it is: every delivery is
 * signed with it (HMAC), so it cannot be a hash.
 */
export const webhookEndpoints = pgTable(
  'webhook_endpoints',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    appId: uuid('app_id')
      .notNull()
      .references(() => apps.id, { onDelete: 'cascade' }),
    url: text('url').notNull(),
    /** Event types sent to it; `*`: all. */
    events: text('events').array().notNull(),
    secret: text('secret').notNull(),
    enabled: boolean('enabled').notNull().default(true),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  // Every change that may be an event asks "has this app an endpoint for it?" by app.
  (table) => [index('webhook_endpoints_app_idx').on(table.appId)],
);

/**
 * The webhook outbox: an event, written in the transaction (most often the statement) of the change
 * it reports, and only when an enabled endpoint of the app takes its type. `seq` orders a channel's
 * events as their changes committed (each holds the channel's row lock while it writes its event).
 */
export const webhookEvents = pgTable(
  'webhook_events',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    seq: bigserial('seq', { mode: 'number' }).notNull(),
    appId: uuid('app_id').notNull(),
    type: text('type').notNull(),
    /** The channel it happened in (null: not in a channel, e.g. user.deleted): what deliveries are ordered by. */
    channelId: uuid('channel_id'),
    /** The event's `data`: the payload its realtime event carries. */
    data: jsonb('data').$type<Record<string, unknown>>().notNull(),
    createdAt: createdAt(),
  },
  // Pruning by age: rows are appended in time order, which a BRIN index summarizes for almost nothing.
  (table) => [index('webhook_events_created_idx').using('brin', table.createdAt)],
);

/**
 * One event for one endpoint: written with the event (one per endpoint that takes it), sent by the
 * worker, retried until delivered or out of its retry window (then `failed`, kept for redelivery).
 * A channel's deliveries to an endpoint go one at a time in `seq` order (see docs/webhooks.md).
 */
export const webhookDeliveries = pgTable(
  'webhook_deliveries',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    seq: bigserial('seq', { mode: 'number' }).notNull(),
    endpointId: uuid('endpoint_id')
      .notNull()
      .references(() => webhookEndpoints.id, { onDelete: 'cascade' }),
    eventId: uuid('event_id')
      .notNull()
      .references(() => webhookEvents.id, { onDelete: 'cascade' }),
    appId: uuid('app_id').notNull(),
    channelId: uuid('channel_id'),
    status: text('status').$type<'pending' | 'delivered' | 'failed'>().notNull().default('pending'),
    /** Tries made (a try is counted when it starts). */
    attempts: integer('attempts').notNull().default(0),
    nextAttemptAt: timestamp('next_attempt_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
    /** Handed to a worker until then: not handed out again before (a lost job is, after it). */
    leaseUntil: timestamp('lease_until', { withTimezone: true, mode: 'date' }),
    lastAttemptAt: timestamp('last_attempt_at', { withTimezone: true, mode: 'date' }),
    responseStatus: integer('response_status'),
    responseBody: text('response_body'),
    error: text('error'),
    deliveredAt: timestamp('delivered_at', { withTimezone: true, mode: 'date' }),
    redeliveryOf: uuid('redelivery_of'),
    createdAt: createdAt(),
  },
  (table) => [
    // An endpoint's deliveries, newest first (GET …/deliveries).
    index('webhook_deliveries_endpoint_idx').on(table.endpointId, table.seq),
    // The relay walks the (endpoint, channel) lanes that have pending deliveries and takes each one's
    // head, its oldest: one probe per lane, however many deliveries wait behind a failing head.
    index('webhook_deliveries_lane_idx').on(table.endpointId, table.channelId, table.seq).where(sql`${table.status} = 'pending'`),
    // Deliveries of events in no channel, which wait for nothing: by when they are due.
    index('webhook_deliveries_unordered_idx')
      .on(table.nextAttemptAt)
      .where(sql`${table.status} = 'pending' and ${table.channelId} is null`),
    // Pruning and giving up by age (see webhook_events_created_idx).
    index('webhook_deliveries_created_idx').using('brin', table.createdAt),
    index('webhook_deliveries_event_idx').on(table.eventId),
  ],
);
