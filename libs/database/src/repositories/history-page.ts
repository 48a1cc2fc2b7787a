import type { AppId } from '../tenant.ts';

/**
 * A page of history: the newest `limit` live messages before an instant, or after skipping the
 * newest `offset` (numbered pages), or — for catching up — the first `limit` messages after a
 * seq, deleted ones included as tombstones so the seqs have no gaps. Oldest first every way.
 */
export type HistoryPage =
  | { limit: number; before?: Date; afterSeq?: undefined; offset?: undefined }
  | { limit: number; offset: number; afterSeq?: undefined; before?: undefined }
  | { limit: number; afterSeq: number; offset?: undefined; before?: undefined };

export type Window = 'newest' | 'before' | 'offset' | 'after';

/** $1 app, $2 channel, $3 limit, $4 the `before` instant, the `offset` or the `afterSeq`. */
const WINDOWS: Record<Window, string> = {
  newest: 'and deleted_at is null order by created_at desc limit $3',
  before: 'and deleted_at is null and created_at < $4::timestamptz order by created_at desc limit $3',
  offset: 'and deleted_at is null order by created_at desc limit $3 offset $4',
  after: 'and seq > $4 order by seq asc limit $3',
};

const pageRows = (window: Window) => `select * from messages where app_id = $1 and channel_id = $2 ${WINDOWS[window]}`;

/** An instant as JavaScript's toISOString() writes it (UTC, milliseconds, "Z"). */
export const isoText = (column: string) => `to_char(${column} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

/**
 * The fields of a message row `m` as the API shows them, as (key, value) arguments of a
 * json(b)_build_object: a deleted message keeps its place but shows no content.
 */
export const messageFields = (m: string) => `
  'id', ${m}.id, 'channel_id', ${m}.channel_id, 'user_id', ${m}.user_id, 'seq', ${m}.seq,
  'text', case when ${m}.deleted_at is null then ${m}.text end,
  'attachments', case when ${m}.deleted_at is null then ${m}.attachments else '[]'::jsonb end,
  'metadata', case when ${m}.deleted_at is null then ${m}.metadata else '{}'::jsonb end,
  'parent_id', ${m}.parent_id, 'client_id', ${m}.client_id,
  'created_at', ${isoText(`${m}.created_at`)}, 'updated_at', ${isoText(`${m}.updated_at`)},
  'deleted_at', ${isoText(`${m}.deleted_at`)}, 'edited_at', ${isoText(`${m}.edited_at`)},
  'reply_count', ${m}.reply_count, 'last_reply_at', ${isoText(`${m}.last_reply_at`)},
  'pinned_at', ${isoText(`${m}.pinned_at`)}, 'pinned_by', ${m}.pinned_by`;

/**
 * One ListedMessage (message `m`, author `u`) in Postgres's JSON: messageFields, the author's
 * profile, and reactions one entry per (type, user), oldest first.
 */
const LISTED_MESSAGE_JSON = `json_build_object(${messageFields('m')},
  'user_external_id', u.external_id, 'user_display_name', u.display_name, 'user_avatar_url', u.avatar_url,
  'reactions', coalesce((select json_agg(json_build_object('type', r.type, 'user_id', r.user_id, 'count', 1)
                                         order by r.created_at, r.type, r.user_id)
                           from reactions r where r.message_id = m.id and r.removed_at is null), '[]'::json),
  'reaction_counts', m.reaction_counts)`;

/** Rows `m` (joined to their authors `u`) as the JSON text of a ListedMessage array, in `order`. */
export const listedMessagesJson = (order: string) => `coalesce(json_agg(${LISTED_MESSAGE_JSON} order by ${order}), '[]'::json)::text`;

const byWindow = (statement: (window: Window) => string) =>
  Object.fromEntries((['newest', 'before', 'offset', 'after'] as const).map((window) => [window, statement(window)])) as Record<Window, string>;

/**
 * What a history page shows changes with this: the channel's history version and its app's profile
 * version (`c` the channel, `a` its app).
 */
export const PAGE_VERSION = `c.history_version || ':' || a.profile_version`;

/**
 * A page as the JSON text of the API's ListedMessage array, oldest first (the history route),
 * with PAGE_VERSION read in the same snapshot: the version the page is of.
 */
export const PAGE_JSON = byWindow(
  (window) => `select (select ${PAGE_VERSION} from channels c join apps a on a.id = c.app_id
                        where c.app_id = $1 and c.id = $2) as version,
                      ${listedMessagesJson('m.seq')} as page
                 from (${pageRows(window)}) m join users u on u.id = m.user_id`,
);

/** Which statement of a set serves `page`, and its parameters. */
export function pageQuery(appId: AppId, channelId: string, page: HistoryPage): { window: Window; parameters: unknown[] } {
  if (page.afterSeq !== undefined) return { window: 'after', parameters: [appId, channelId, page.limit, page.afterSeq] };
  if (page.before) return { window: 'before', parameters: [appId, channelId, page.limit, page.before.toISOString()] };
  if (page.offset) return { window: 'offset', parameters: [appId, channelId, page.limit, page.offset] };
  return { window: 'newest', parameters: [appId, channelId, page.limit] };
}
