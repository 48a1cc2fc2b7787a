import { finished } from 'node:stream/promises';
import type { Sql, TransactionSql } from 'postgres';
import { BinaryCopyRows } from './copy-binary.ts';
import { copyRow, jsonText } from './copy-text.ts';
import type { AppBanLine, ChannelLine, MemberLine, MessageLine, ReactionLine, ReadStateLine, RestrictionLine, UserLine } from './format.ts';

/*
 * The statements an import runs, one transaction per batch (the caller's): each batch commits
 * whole or not at all. Every statement names the target app; a row of the file that would land in
 * another app (an id already used there) is refused before anything is written.
 * Small kinds go as one jsonb parameter; messages and reactions, the bulk, go through COPY.
 */

type Tx = TransactionSql;

/** A reference a batch makes that the target app does not hold. */
export class MissingReference extends Error {
  constructor(
    readonly what: 'user' | 'channel' | 'message' | 'member',
    readonly id: string,
  ) {
    super(`${what} ${id} is not in the target app`);
  }
}

type ReferencedTable = 'users' | 'channels' | 'messages';

/**
 * The ids among `ids` that are not rows of `table` in the app. With `lock`, the rows found are
 * locked as a foreign key check locks them (FOR KEY SHARE): they cannot go before the commit.
 */
async function missing(tx: Tx, table: ReferencedTable, appId: string, ids: Iterable<string>, lock = false): Promise<string[]> {
  const wanted = [...new Set(ids)];
  if (wanted.length === 0) return [];
  const found = await tx`select id from ${tx(table)} where app_id = ${appId} and id = any(${wanted}::uuid[])
    ${lock ? tx`order by id for key share` : tx``}`;
  const present = new Set(found.map((row) => row.id as string));
  return wanted.filter((id) => !present.has(id));
}

async function requireRows(tx: Tx, table: ReferencedTable, appId: string, ids: Iterable<string>, lock = false) {
  const [first] = await missing(tx, table, appId, ids, lock);
  if (first) throw new MissingReference(table === 'users' ? 'user' : table === 'channels' ? 'channel' : 'message', first);
}

export async function appExists(sql: Sql, appId: string): Promise<boolean> {
  const rows = await sql`select 1 from apps where id = ${appId}`;
  return rows.length > 0;
}

/**
 * Stores the users that are new (by id and by external_id) and returns, for every line, the id the
 * app stores that external_id under: the line's own, or an existing user's.
 */
export async function writeUsers(tx: Tx, appId: string, users: readonly UserLine[]): Promise<Map<string, string>> {
  await tx`
    insert into users (id, app_id, external_id, display_name, avatar_url, metadata, deactivated_at, erased_at, created_at, updated_at)
    select t.id, ${appId}, t.external_id, t.display_name, t.avatar_url, t.metadata, t.deactivated_at, t.erased_at, t.created_at, t.updated_at
      from jsonb_to_recordset(${JSON.stringify(users)}::jsonb) as t(id uuid, external_id text, display_name text, avatar_url text,
             metadata jsonb, deactivated_at timestamptz, erased_at timestamptz, created_at timestamptz, updated_at timestamptz)
    on conflict do nothing`;
  const stored = await tx`
    select id, external_id from users where app_id = ${appId} and external_id = any(${users.map((user) => user.external_id)})`;
  const byExternalId = new Map(stored.map((row) => [row.external_id as string, row.id as string]));
  for (const user of users) {
    // Its id was taken by a user of another app: nothing of it was stored.
    if (!byExternalId.has(user.external_id)) throw new MissingReference('user', user.id);
  }
  return byExternalId;
}

export async function writeChannels(tx: Tx, appId: string, channels: readonly ChannelLine[]): Promise<void> {
  await requireRows(tx, 'users', appId, channels.map((channel) => channel.created_by));
  await tx`
    insert into channels (id, app_id, type, name, description, metadata, created_by, slow_mode_seconds, deleted_at, created_at, updated_at)
    select t.id, ${appId}, t.type, t.name, t.description, t.metadata, t.created_by, t.slow_mode_seconds, t.deleted_at, t.created_at, t.updated_at
      from jsonb_to_recordset(${JSON.stringify(channels)}::jsonb) as t(id uuid, type text, name text, description text, metadata jsonb,
             created_by uuid, slow_mode_seconds int, deleted_at timestamptz, created_at timestamptz, updated_at timestamptz)
    on conflict (id) do nothing`;
  await requireRows(tx, 'channels', appId, channels.map((channel) => channel.id));
}

/** The foreign keys of `channel_members`, checked and locked by writeMembers itself (compared with the catalog in a test). */
export const MEMBER_REFERENCES_CHECKED = ['app_id', 'channel_id', 'user_id'] as const;

/** Memberships; see writeMessages for skipping the triggers (the same checks: the channels, the users, the app, each locked). */
export async function writeMembers(tx: Tx, appId: string, members: readonly MemberLine[], options: ReferenceOptions = {}): Promise<void> {
  await requireReferences(tx, appId, [['channels', members.map((member) => member.channel_id)], ['users', members.map((member) => member.user_id)]], options);
  await tx`
    insert into channel_members (channel_id, user_id, app_id, role, joined_at)
    select t.channel_id, t.user_id, ${appId}, t.role, t.joined_at
      from jsonb_to_recordset(${JSON.stringify(members)}::jsonb) as t(channel_id uuid, user_id uuid, role text, joined_at timestamptz)
    on conflict (channel_id, user_id) do nothing`;
}

/** App-wide bans; one the app holds already for that user (perhaps newer) wins. */
export async function writeAppBans(tx: Tx, appId: string, bans: readonly AppBanLine[]): Promise<void> {
  await requireRows(tx, 'users', appId, bans.map((ban) => ban.user_id));
  await tx`
    insert into user_bans (user_id, app_id, reason, created_at, expires_at)
    select t.user_id, ${appId}, t.reason, t.created_at, t.expires_at
      from jsonb_to_recordset(${JSON.stringify(bans)}::jsonb) as t(user_id uuid, reason text, created_at timestamptz, expires_at timestamptz)
    on conflict (user_id) do nothing`;
}

/**
 * Channel bans and mutes; one the channel holds already for that user and type wins. Nodes that
 * remember a membership learn of an imported restriction within 30 s (their cache's lifetime).
 */
export async function writeRestrictions(tx: Tx, appId: string, restrictions: readonly RestrictionLine[]): Promise<void> {
  await requireRows(tx, 'channels', appId, restrictions.map((restriction) => restriction.channel_id));
  const users = restrictions.flatMap((restriction) => (restriction.created_by ? [restriction.user_id, restriction.created_by] : [restriction.user_id]));
  await requireRows(tx, 'users', appId, users);
  await tx`
    insert into channel_restrictions (channel_id, user_id, kind, app_id, reason, created_by, created_at, expires_at)
    select t.channel_id, t.user_id, t.type, ${appId}, t.reason, t.created_by, t.created_at, t.expires_at
      from jsonb_to_recordset(${JSON.stringify(restrictions)}::jsonb) as t(channel_id uuid, user_id uuid, type text, reason text,
             created_by uuid, created_at timestamptz, expires_at timestamptz)
    on conflict (channel_id, user_id, kind) do nothing`;
}

/** Read positions only move forward: a re-run, or an import over a newer live state, keeps the newer one. */
export async function writeReadStates(tx: Tx, appId: string, states: readonly ReadStateLine[]): Promise<void> {
  await tx`
    update channel_members m set last_read_seq = t.last_read_seq
      from jsonb_to_recordset(${JSON.stringify(states)}::jsonb) as t(channel_id uuid, user_id uuid, last_read_seq bigint)
     where m.channel_id = t.channel_id and m.user_id = t.user_id and m.app_id = ${appId}
       and m.last_read_seq < t.last_read_seq`;
}

const MESSAGE_COLUMNS = [
  'id', 'app_id', 'channel_id', 'user_id', 'seq', 'text', 'attachments', 'metadata', 'parent_id', 'client_id',
  'created_at', 'updated_at', 'deleted_at', 'edited_at', 'pinned_at', 'pinned_by',
] as const;

/** Messages in MESSAGE_COLUMNS' order, in binary COPY format (every value checked by validate-line.ts). */
function messageRows(appId: string, messages: readonly MessageLine[]): Buffer[] {
  const rows = new BinaryCopyRows();
  for (const m of messages) {
    rows.row(MESSAGE_COLUMNS.length).uuid(m.id).uuid(appId).uuid(m.channel_id).uuid(m.user_id).int8(m.seq).text(m.text)
      .jsonb(jsonText(m.attachments)).jsonb(jsonText(m.metadata)).uuid(m.parent_id).text(m.client_id)
      .timestamptz(m.created_at).timestamptz(m.updated_at).timestamptz(m.deleted_at).timestamptz(m.edited_at)
      .timestamptz(m.pinned_at).uuid(m.pinned_by);
  }
  return rows.finish();
}

/** Streams `rows` (COPY text, or binary chunks) into `table`'s `columns`. */
async function copyInto(tx: Tx, table: string, columns: readonly string[], rows: string | readonly Buffer[]): Promise<void> {
  const binary = typeof rows !== 'string';
  const stream = await tx`copy ${tx(table)} (${tx(columns as string[])}) from stdin ${binary ? tx`with (format binary)` : tx``}`.writable();
  if (binary) for (const chunk of rows) stream.write(chunk);
  stream.end(binary ? undefined : rows);
  await finished(stream);
}

/**
 * The foreign keys of `messages` that writeMessages checks and locks itself, set-based: every one
 * (test/integration/transfer.test.ts compares this list with the catalog, so a new one cannot be
 * missed while the triggers are skipped).
 */
export const MESSAGE_REFERENCES_CHECKED = ['app_id', 'channel_id', 'parent_id', 'user_id'] as const;

/**
 * Whether this role may skip the per-row triggers for a transaction (`session_replication_role`):
 * a superuser, or, on Postgres 15 and later, a role granted
 * `GRANT SET ON PARAMETER session_replication_role TO <role>`.
 */
export async function maySkipReferenceTriggers(sql: Sql): Promise<boolean> {
  const [server] = await sql`select current_setting('is_superuser') = 'on' as superuser, current_setting('server_version_num')::int as version`;
  if (server!.superuser) return true;
  if ((server!.version as number) < 150_000) return false;
  const [granted] = await sql`select has_parameter_privilege('session_replication_role', 'SET') as granted`;
  return granted!.granted as boolean;
}

export interface ReferenceOptions {
  /**
   * Skip the per-row foreign key triggers of the COPY (`session_replication_role = replica` for the
   * batch's transaction only; see maySkipReferenceTriggers). Sound because every reference of the
   * batch (MESSAGE_REFERENCES_CHECKED, MEMBER_REFERENCES_CHECKED, REACTION_REFERENCES_CHECKED) is checked first, set-based, within
   * the app, and its row locked as the triggers would lock it: the app, the channels (FOR UPDATE for
   * messages), the users, the parents and the reacted messages. One trigger call per key per row is most of a COPY's cost.
   * @defaultValue false
   */
  skipReferenceTriggers?: boolean;
}

/** The app's row locked as a foreign key check locks it, and the per-row triggers off until the commit. */
async function skipTriggersOfThisTransaction(tx: Tx, appId: string): Promise<void> {
  await Promise.all([tx`select id from apps where id = ${appId} for key share`, tx`set local session_replication_role = replica`]);
}

/**
 * Every id of each table in turn must be a row of the app (locked as a foreign key check locks it
 * where the triggers are skipped); then, where they are, the triggers are off until the commit.
 */
async function requireReferences(tx: Tx, appId: string, references: [ReferencedTable, string[]][], options: ReferenceOptions): Promise<void> {
  const trusted = options.skipReferenceTriggers ?? false;
  for (const [table, ids] of references) await requireRows(tx, table, appId, ids, trusted);
  if (trusted) await skipTriggersOfThisTransaction(tx, appId);
}

/** How a batch of messages was written: straight into the table, or through staging (some may be stored already). */
export type MessagePath = 'direct' | 'staged';

/**
 * Stores a batch of messages (ordered by seq within each channel). Their channels' rows are
 * locked first, in id order as sends lock them, so no send takes a seq meanwhile. When every
 * channel's stored messages end below the batch's first seq there (a fresh channel, or the next
 * batch of one), nothing can conflict and the rows are COPYed into messages directly; otherwise
 * (a re-run) they are COPYed into a staging table and inserted with `on conflict (id) do nothing`.
 * A seq stored under another id (a different history) is a unique violation: the batch fails.
 */
export async function writeMessages(tx: Tx, appId: string, messages: readonly MessageLine[], options: ReferenceOptions = {}): Promise<MessagePath> {
  const trusted = options.skipReferenceTriggers ?? false;
  const firstSeq = new Map<string, number>();
  for (const message of messages) {
    if (!firstSeq.has(message.channel_id)) firstSeq.set(message.channel_id, message.seq);
  }
  const channelIds = [...firstSeq.keys()];
  const authors = new Set<string>();
  for (const message of messages) {
    authors.add(message.user_id);
    if (message.pinned_by) authors.add(message.pinned_by);
  }
  const inBatch = new Set(messages.map((message) => message.id));
  const parents = messages.flatMap((message) => (message.parent_id && !inBatch.has(message.parent_id) ? [message.parent_id] : []));
  // One round trip: the statements go down the connection together and run in this order, the
  // channels locked first (the seqs read after the lock see every send before it).
  const [locked, missingAuthors, missingParents, stored] = await Promise.all([
    tx`select id from channels where app_id = ${appId} and id = any(${channelIds}::uuid[]) order by id for update`,
    missing(tx, 'users', appId, authors, trusted),
    missing(tx, 'messages', appId, parents, trusted),
    tx`select c.id, (select max(m.seq) from messages m where m.channel_id = c.id) as last from unnest(${channelIds}::uuid[]) as c(id)`,
    trusted ? skipTriggersOfThisTransaction(tx, appId) : undefined,
  ]);
  const lockedIds = new Set(locked.map((row) => row.id as string));
  const strayChannel = channelIds.find((id) => !lockedIds.has(id));
  if (strayChannel) throw new MissingReference('channel', strayChannel);
  if (missingAuthors[0]) throw new MissingReference('user', missingAuthors[0]);
  if (missingParents[0]) throw new MissingReference('message', missingParents[0]);
  const direct = stored.every((row) => row.last === null || Number(row.last) < firstSeq.get(row.id as string)!);
  const rows = messageRows(appId, messages);
  if (direct) {
    await copyInto(tx, 'messages', MESSAGE_COLUMNS, rows);
  } else {
    await tx`create temp table if not exists import_messages (like messages including defaults) on commit delete rows`;
    await copyInto(tx, 'import_messages', MESSAGE_COLUMNS, rows);
    await tx`
      insert into messages (${tx(MESSAGE_COLUMNS as unknown as string[])})
      select ${tx(MESSAGE_COLUMNS as unknown as string[])} from import_messages order by channel_id, seq
      on conflict (id) do nothing`;
  }
  // A reply must be in its parent's channel (the foreign key only says the parent exists).
  const replies = messages.filter((message) => message.parent_id).map((message) => message.id);
  const strayReplies = replies.length === 0 ? [] : await tx`
    select r.id from messages r join messages p on p.id = r.parent_id
     where r.id = any(${replies}::uuid[]) and p.channel_id <> r.channel_id
     limit 1`;
  if (strayReplies[0]) throw new MissingReference('message', strayReplies[0].id as string);
  return direct ? 'direct' : 'staged';
}

const REACTION_COLUMNS = ['message_id', 'user_id', 'type', 'app_id', 'created_at', 'version', 'removed_at'] as const;

/** The foreign keys of `reactions`, checked and locked by writeReactions itself (compared with the catalog in a test). */
export const REACTION_REFERENCES_CHECKED = ['app_id', 'message_id', 'user_id'] as const;

/** Reactions; see writeMessages for skipping the triggers (the same checks: the messages, the users, the app, each locked). */
export async function writeReactions(tx: Tx, appId: string, reactions: readonly ReactionLine[], options: ReferenceOptions = {}): Promise<void> {
  await requireReferences(tx, appId, [['messages', reactions.map((reaction) => reaction.message_id)], ['users', reactions.map((reaction) => reaction.user_id)]], options);
  let rows = '';
  for (const r of reactions) rows += copyRow([r.message_id, r.user_id, r.type, appId, r.created_at, r.version, r.removed_at]);
  await tx`create temp table if not exists import_reactions (like reactions including defaults) on commit delete rows`;
  await copyInto(tx, 'import_reactions', REACTION_COLUMNS, rows);
  await tx`
    insert into reactions (${tx(REACTION_COLUMNS as unknown as string[])})
    select ${tx(REACTION_COLUMNS as unknown as string[])} from import_reactions
    on conflict (message_id, user_id, type) do nothing`;
}
