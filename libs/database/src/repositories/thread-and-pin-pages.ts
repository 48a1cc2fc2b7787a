import { listedMessagesJson } from './history-page.ts';

/** A page of a thread: its newest replies, the newest before an instant, or after skipping the newest `offset`. */
export type RepliesWindow = 'newest' | 'before' | 'offset';

const REPLY_WINDOWS: Record<RepliesWindow, string> = {
  newest: 'order by created_at desc limit $4',
  before: 'and created_at < $5::timestamptz order by created_at desc limit $4',
  offset: 'order by created_at desc limit $4 offset $5',
};

/** $1 app, $2 channel, $3 parent, $4 limit, $5 the `before` instant or the offset: live replies, newest first. */
const replyRows = (window: RepliesWindow) => `
  select * from messages
   where app_id = $1 and channel_id = $2 and parent_id = $3 and deleted_at is null ${REPLY_WINDOWS[window]}`;

const repliesJson = (window: RepliesWindow) => `
  select (select reply_count from messages where app_id = $1 and channel_id = $2 and id = $3) as total,
         ${listedMessagesJson('m.seq')} as page
    from (${replyRows(window)}) m join users u on u.id = m.user_id`;

/**
 * A page of a thread as the JSON text of a ListedMessage array, oldest first like a history page,
 * and the parent's live replies (`total`; null when the parent is not a message of the channel —
 * a deleted parent's replies stay readable).
 */
export const REPLIES_JSON: Record<RepliesWindow, string> = {
  newest: repliesJson('newest'),
  before: repliesJson('before'),
  offset: repliesJson('offset'),
};

/**
 * A channel's pinned messages as the JSON text of a ListedMessage array, newest pin first
 * ($1 app, $2 channel, $3 limit, $4 offset), and how many there are. A delete unpins, so every
 * pin is of a live message.
 */
export const PINS_JSON = `
  select (select count(*) from messages
           where app_id = $1 and channel_id = $2 and pinned_at is not null and deleted_at is null) as total,
         ${listedMessagesJson('m.pinned_at desc, m.seq desc')} as page
    from (select * from messages
           where app_id = $1 and channel_id = $2 and pinned_at is not null and deleted_at is null
           order by pinned_at desc, seq desc limit $3 offset $4) m
    join users u on u.id = m.user_id`;
