import { sql, type SQL } from 'drizzle-orm';
import type { Database } from '../client.ts';
import { isoText } from './history-page.ts';

/*
 * The webhook outbox. A change that is a webhook event writes its event (webhook_events) and one
 * delivery per endpoint that takes it (webhook_deliveries) in its own transaction — in the very
 * statement that makes the change wherever it is one statement (a send, a join, a logged channel
 * event) — so an event exists exactly when its change committed. Both inserts select from the
 * change's rows `where exists` an enabled endpoint of the app takes the type: an app without one
 * pays an index probe of webhook_endpoints (by app) per statement, nothing else; the event's JSON is
 * built only for rows that pass. The worker relays what is pending (webhooks.repository.ts).
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

/** Where the events of one statement come from: each row of `from` (filtered by `where`) is one event. */
export interface OutboxSource<Piece = string | SQL> {
  /** Prefix of the CTE names: unique within the statement. */
  name: string;
  type: WebhookEventType;
  /** A FROM clause. */
  from: Piece;
  where?: Piece;
  /** The app's id, the channel's (`null::uuid` when none) and the data (jsonb), as expressions over `from`. */
  appId: string;
  channelId: string;
  data: Piece;
  /** The order the events are numbered in: the order their changes were made, per channel. */
  order: string;
}

function outboxPieces<Piece>(source: OutboxSource<Piece>): (string | Piece)[] {
  const { name, type, appId, channelId, order } = source;
  return [
    `, ${name}_events as (
      insert into webhook_events (app_id, channel_id, type, data)
      select ${appId}, ${channelId}, '${type}', (`,
    source.data,
    `)::jsonb from `,
    source.from,
    ` where exists (select 1 from webhook_endpoints hook_e where ${takers('hook_e', appId, type)})`,
    ...(source.where === undefined ? [] : [' and (', source.where, ')']),
    `
       order by ${order}
      returning id, seq, app_id, channel_id
    ), ${name}_deliveries as (
      insert into webhook_deliveries (endpoint_id, event_id, app_id, channel_id)
      select hook_e.id, w.id, w.app_id, w.channel_id
        from ${name}_events w join webhook_endpoints hook_e on ${takers('hook_e', 'w.app_id', type)}
       order by w.seq, hook_e.id
    )`,
  ];
}

/** CTEs to append to a WITH list (text: for the fixed statements of the hot path). */
export const webhookOutboxText = (source: OutboxSource<string>): string => outboxPieces(source).join('');

/** CTEs to append to a WITH list (drizzle). */
export function webhookOutboxSql(source: OutboxSource): SQL {
  const pieces = outboxPieces(source).map((piece) => (typeof piece === 'string' ? sql.raw(piece) : piece));
  return sql.join(pieces);
}

/** Writes the events of `source` in the caller's transaction, as a statement of its own. */
export async function recordWebhookEvents(tx: Pick<Database, 'execute'>, source: OutboxSource): Promise<void> {
  await tx.execute(sql`with hook_start as (select 1)${webhookOutboxSql(source)} select 1`);
}

/**
 * The CTEs that write a logged channel event (channel-changes.ts: `entry` over the rows `id`,
 * `app_id`, `history_version` of `source`) as a webhook event when its type is one, its data the
 * realtime payload: the logged payload with the change's `version`. Nothing for other events.
 */
export function webhookOutboxOfLog(source: string, event: string, payload: SQL): SQL {
  if (!isWebhookEventType(event)) return sql``;
  return webhookOutboxSql({
    name: 'hook',
    type: event,
    from: `${source} s`,
    appId: 's.app_id',
    channelId: 's.id',
    data: sql`(${payload}) || jsonb_build_object('version', s.history_version)`,
    order: 's.history_version',
  });
}

/** A message `m` with its author `u` as the realtime Message (presentMessage): message.new's data. */
export const messageJson = (m: string, u: string) => `jsonb_build_object(
  'id', ${m}.id, 'channel_id', ${m}.channel_id, 'user_id', ${m}.user_id, 'seq', ${m}.seq,
  'text', case when ${m}.deleted_at is null then ${m}.text end,
  'attachments', case when ${m}.deleted_at is null then ${m}.attachments else '[]'::jsonb end,
  'metadata', case when ${m}.deleted_at is null then ${m}.metadata else '{}'::jsonb end,
  'parent_id', ${m}.parent_id, 'client_id', ${m}.client_id,
  'created_at', ${isoText(`${m}.created_at`)}, 'updated_at', ${isoText(`${m}.updated_at`)},
  'deleted_at', ${isoText(`${m}.deleted_at`)}, 'edited_at', ${isoText(`${m}.edited_at`)},
  'reply_count', ${m}.reply_count, 'last_reply_at', ${isoText(`${m}.last_reply_at`)},
  'pinned_at', ${isoText(`${m}.pinned_at`)}, 'pinned_by', ${m}.pinned_by,
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

/** message.new for each row of a send statement's `inserted` (message-batch.ts). */
export const MESSAGE_NEW_OUTBOX = webhookOutboxText({
  name: 'hook',
  type: 'message.new',
  from: 'inserted m join users u on u.id = m.user_id',
  appId: 'm.app_id',
  channelId: 'm.channel_id',
  data: messageJson('m', 'u'),
  order: 'm.channel_id, m.seq',
});
