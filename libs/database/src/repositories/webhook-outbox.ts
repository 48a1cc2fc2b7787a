import { sql, type SQL } from 'drizzle-orm';
import type { Database } from '../client.ts';
import { isoText, messageFields } from './history-page.ts';

/*
 * The webhook outbox. A change that is a webhook event writes its event (webhook_events) and one
 * delivery per endpoint that takes it (webhook_deliveries) in its own transaction — in the very
 * statement that makes the change wherever it is one statement (a send, an edit, a delete, a join, a
 * logged channel event) — so an event exists exactly when its change committed.
 *
 * Cheap when unused. For each row of the change, `exists` an enabled endpoint of the app that takes
 * the type — one probe of webhook_endpoints' app index — and only then are the event's JSON built and
 * heyyo_webhook_events() (migration 0008) called, which inserts it: as an expression of the
 * statement's select (or returning) list, `case when exists (…) then heyyo_webhook_events(…) end`,
 * evaluated once per row. Measured on the send statement (EXPLAIN ANALYZE, median of 1,000 runs
 * each, interleaved): an app without endpoints pays about 5 % more Postgres execution (191 → 205 µs,
 * within the noise of a loaded 2-core machine); an app with one, 448 µs (its event and delivery
 * written). Inserting from data-modifying CTEs of the statement itself instead cost every app +40 %
 * (283 → 404 µs in another run), endpoints or not: such a CTE opens its table, indexes and foreign
 * keys even when it writes nothing. A batch of sends records its events through a CTE whose
 * jsonb_agg numbers them in seq order (its cost shared by the batch).
 */

/** The event types a webhook can take (the contracts' WEBHOOK_EVENT_TYPES; a unit test keeps them equal). */
export const WEBHOOK_EVENT_TYPES = [
  'message.new',
  'message.updated',
  'message.deleted',
  'reaction.new',
  'reaction.deleted',
  'member.joined',
  'member.left',
  'member.removed',
  'channel.created',
  'channel.updated',
  'channel.deleted',
  'user.deleted',
] as const;
export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number];

const isWebhookEventType = (event: string): event is WebhookEventType => (WEBHOOK_EVENT_TYPES as readonly string[]).includes(event);

/** Endpoint rows `e` of app `appId` (an SQL expression) that take `type`, enabled. */
const takers = (e: string, appId: string, type: WebhookEventType) =>
  `${e}.app_id = ${appId} and ${e}.enabled and ${e}.events && array['${type}', '*']::text[]`;

/**
 * One event per row: its type, and its app's id, channel's id (`null::uuid` when none) and data
 * (jsonb) as expressions over the row. Every column named in them is qualified with its table (an
 * unqualified `app_id` would be webhook_endpoints' inside the `exists`).
 */
export interface OutboxEvent<Piece = string | SQL> {
  type: WebhookEventType;
  appId: string;
  channelId: string;
  data: Piece;
}

const eventPieces = <Piece>({ type, appId, channelId, data }: OutboxEvent<Piece>): (string | Piece)[] => [
  `case when exists (select 1 from webhook_endpoints hook_e where ${takers('hook_e', appId, type)})
     then heyyo_webhook_events('${type}', jsonb_build_array(jsonb_build_object('app_id', ${appId}, 'channel_id', ${channelId}, 'data', (`,
  data,
  `)::jsonb))) end`,
];

const toSql = (pieces: (string | SQL)[]) => sql.join(pieces.map((piece) => (typeof piece === 'string' ? sql.raw(piece) : piece)));

/**
 * A select-list (or returning-list) column that records the row's event when the app has an
 * endpoint for it: the number recorded, null when none. Text, for the fixed statements.
 */
export const webhookEventColumn = (event: OutboxEvent<string>): string => `, ${eventPieces(event).join('')} as webhook_events`;

/** webhookEventColumn, drizzle. */
export const webhookEventColumnSql = (event: OutboxEvent): SQL => toSql([', ', ...eventPieces(event), ' as webhook_events']);

/** Records the event of each row of `from` (filtered by `where`) in the caller's transaction, as a statement of its own. */
export async function recordWebhookEvents(
  tx: Pick<Database, 'execute'>,
  source: OutboxEvent & { from: string; where: SQL },
): Promise<void> {
  await tx.execute(sql`select 1 ${webhookEventColumnSql(source)} from ${sql.raw(source.from)} where ${source.where}`);
}

/**
 * The returning-list column that records a logged channel event (channel-changes.ts: the rows it
 * inserts into channel_events) when its type is a webhook event type, its data the realtime payload:
 * the logged payload with the change's `version`. Nothing for other events.
 */
export function webhookEventOfLog(event: string): SQL {
  if (!isWebhookEventType(event)) return sql``;
  return webhookEventColumnSql({
    type: event,
    appId: 'channel_events.app_id',
    channelId: 'channel_events.channel_id',
    data: "channel_events.payload || jsonb_build_object('version', channel_events.version)",
  });
}

/** A message `m` with its author `u` as the realtime Message (presentMessage): message.new's data. */
export const messageJson = (m: string, u: string) => `jsonb_build_object(${messageFields(m)},
  'user', jsonb_build_object('external_id', ${u}.external_id, 'display_name', ${u}.display_name, 'avatar_url', ${u}.avatar_url))`;

/** A message after a change, with the change's version (ChangedMessage): message.updated's data. */
export const changedMessageJson = (m: string, u: string) => `${messageJson(m, u)} || jsonb_build_object('version', ${m}.change_version)`;

/** A channel `c` as REST shows it (presentChannel): channel.created's data. */
export const channelJson = (c: string) => `jsonb_build_object(
  'id', ${c}.id, 'app_id', ${c}.app_id, 'type', ${c}.type, 'name', ${c}.name, 'description', ${c}.description,
  'metadata', ${c}.metadata, 'created_by', ${c}.created_by, 'slow_mode_seconds', ${c}.slow_mode_seconds,
  'created_at', ${isoText(`${c}.created_at`)}, 'updated_at', ${isoText(`${c}.updated_at`)})`;

/** A user `u` as the server API shows it (presentUser): user.deleted's data. */
export const userJson = (u: string) => `jsonb_build_object(
  'id', ${u}.id, 'external_id', ${u}.external_id, 'display_name', ${u}.display_name, 'avatar_url', ${u}.avatar_url,
  'metadata', ${u}.metadata, 'deactivated_at', ${isoText(`${u}.deactivated_at`)}, 'erased_at', ${isoText(`${u}.erased_at`)},
  'created_at', ${isoText(`${u}.created_at`)}, 'updated_at', ${isoText(`${u}.updated_at`)})`;

/** message.new for the row of a single send (INSERT_ONE's `inserted` and its author `u`). */
export const MESSAGE_NEW_COLUMN = webhookEventColumn({
  type: 'message.new',
  appId: 'inserted.app_id',
  channelId: 'inserted.channel_id',
  data: messageJson('inserted', 'u'),
});

/**
 * message.new for the rows of a batch of sends (INSERT_BATCH's `inserted`), numbered in seq order
 * per channel: a CTE (which changes nothing itself, so it runs only when read: the statement's main
 * query joins MESSAGE_NEW_BATCH_READ).
 */
export const MESSAGE_NEW_BATCH_CTE = `, hook as (
      select heyyo_webhook_events('message.new', jsonb_agg(jsonb_build_object('app_id', m.app_id, 'channel_id', m.channel_id,
                                   'data', ${messageJson('m', 'u')}) order by m.channel_id, m.seq)) as recorded
        from inserted m join users u on u.id = m.user_id
       where exists (select 1 from webhook_endpoints hook_e where ${takers('hook_e', 'm.app_id', 'message.new')})
      having count(*) > 0
    )`;
export const MESSAGE_NEW_BATCH_READ = ' cross join (select count(*) from hook) hook_read';
