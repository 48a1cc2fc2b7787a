import { randomUUID } from 'node:crypto';
import type { AppId } from '../tenant.ts';
import { MESSAGE_NEW_BATCH_CTE, MESSAGE_NEW_BATCH_READ, MESSAGE_NEW_COLUMN } from './webhook-outbox.ts';

/** What a send stores, validated. */
export interface NewMessage {
  text: string | null;
  attachments: Record<string, unknown>[];
  metadata: Record<string, unknown>;
  parentId: string | null;
  clientId: string | null;
}

/** One send waiting to be written. */
export interface PendingInsert {
  appId: AppId;
  channelId: string;
  userId: string;
  message: NewMessage;
}

/** The row of a send in a batch statement; `id` is chosen here so results map back to sends. */
interface BatchRow {
  id: string;
  app_id: string;
  channel_id: string;
  user_id: string;
  ord: number;
  text: string | null;
  attachments: Record<string, unknown>[];
  metadata: Record<string, unknown>;
  parent_id: string | null;
  client_id: string | null;
}

export function batchRows(sends: readonly PendingInsert[]): BatchRow[] {
  return sends.map((send, ord) => ({
    id: randomUUID(),
    app_id: send.appId,
    channel_id: send.channelId,
    user_id: send.userId,
    ord,
    text: send.message.text,
    attachments: send.message.attachments,
    metadata: send.message.metadata,
    parent_id: send.message.parentId,
    client_id: send.message.clientId,
  }));
}

// created_at of a channel's newest message when a statement stores `count` of them: that many
// milliseconds past its clock (channel `c`). statement_timestamp(), unlike clock_timestamp(), is
// the same at each use.
const newestCreatedAt = (count: string) => `greatest(date_trunc('milliseconds', statement_timestamp()),
                                    coalesce(c.last_seq_at, '-infinity'::timestamptz) + interval '1 millisecond')
                           + (${count} - 1) * interval '1 millisecond'`;

/** The author's columns beside a message row `m` joined to its user `u`. */
export const AUTHOR_COLUMNS =
  'u.external_id as author_external_id, u.display_name as author_display_name, u.avatar_url as author_avatar_url';

/**
 * The CTE (`replied`) that counts the replies among the rows of `inserted` on their parents:
 * reply_count up by their number, last_reply_at to the newest. Exact under concurrency: the
 * parent is a message of the reply's channel, whose row the statement has locked already, so
 * replies to one parent are counted one statement after another. Only the statements for sends
 * that hold a reply have it (measured: it costs a send without one 5% of its Postgres CPU).
 */
const REPLIES_COUNTED = `, replied as (
      update messages p
         set reply_count = p.reply_count + r.replies,
             last_reply_at = greatest(p.last_reply_at, r.newest)
        from (select parent_id, channel_id, count(*)::int as replies, max(created_at) as newest
                from inserted where parent_id is not null group by parent_id, channel_id) r
       where p.id = r.parent_id and p.channel_id = r.channel_id
    )`;

/** The statement's text for sends without replies, and with (see REPLIES_COUNTED). */
export interface InsertStatements {
  plain: string;
  withReplies: string;
}

const withAndWithoutReplies = (statement: (replies: string) => string): InsertStatements => ({
  plain: statement(''),
  withReplies: statement(REPLIES_COUNTED),
});

/**
 * The one statement that stores sends (one, or many over any number of channels): each gets
 * its channel's next seq in send order, created_at strictly increasing per channel in whole
 * milliseconds, and all commit together, with the channels' message_count and last_message_at.
 * The channels are locked in id
 * order, so concurrent batches cannot deadlock. A send whose clientId is already stored,
 * or whose channel is deleted or not in its app, is left out (the caller writes it alone);
 * a clientId stored concurrently fails the whole statement (the caller then writes each alone).
 * Seqs are numbered after that filtering, so they stay gap-free. Replies move their parents'
 * reply_count and last_reply_at in the same statement (see REPLIES_COUNTED), and each message is a
 * message.new webhook event when its app has an endpoint for it (MESSAGE_NEW_BATCH_CTE).
 * $1: the batch's rows (batchRows) as JSON.
 */
export const INSERT_BATCH = withAndWithoutReplies(
  (replies) => `
    with input as (
      select * from jsonb_to_recordset($1::jsonb) as t(
        id uuid, app_id uuid, channel_id uuid, user_id uuid, ord int, text text,
        attachments jsonb, metadata jsonb, parent_id uuid, client_id text)
    ), fresh as (
      -- A lookup per send on the clientId index (lateral + limit), never a scan of the table:
      -- written as "or not exists", the planner may hash every stored clientId instead.
      select input.* from input
        left join lateral (
          select true as found from messages m
           where input.client_id is not null and m.channel_id = input.channel_id
             and m.user_id = input.user_id and m.client_id = input.client_id
           limit 1) stored on true
       where stored.found is null
    ), numbered as (
      select fresh.*, row_number() over (partition by channel_id order by ord) as k
        from fresh
    ), per_channel as (
      select channel_id, app_id, count(*) as n from numbered group by channel_id, app_id
    ), locked as (
      select c.id from channels c join per_channel p on p.channel_id = c.id and p.app_id = c.app_id
       where c.deleted_at is null
       order by c.id
         for update of c
    ), bumped as (
      -- The counters a send changes move with it: exact, with nothing left for a worker to do.
      update channels c
         set last_seq = c.last_seq + p.n,
             last_seq_at = ${newestCreatedAt('p.n')},
             last_message_at = ${newestCreatedAt('p.n')},
             message_count = c.message_count + p.n,
             history_version = c.history_version + 1
        from per_channel p join locked l on l.id = p.channel_id
       where c.id = p.channel_id
      returning c.id, c.last_seq - p.n as base_seq, c.last_seq_at - (p.n - 1) * interval '1 millisecond' as base_at
    ), inserted as (
      insert into messages (id, app_id, channel_id, user_id, seq, text, attachments, metadata,
                            parent_id, client_id, created_at, updated_at)
      select nb.id, nb.app_id, nb.channel_id, nb.user_id, b.base_seq + nb.k, nb.text,
             nb.attachments, nb.metadata, nb.parent_id, nb.client_id,
             b.base_at + (nb.k - 1) * interval '1 millisecond', b.base_at + (nb.k - 1) * interval '1 millisecond'
        from numbered nb join bumped b on b.id = nb.channel_id
      returning *
    )${replies}${MESSAGE_NEW_BATCH_CTE}
    select inserted.*, ${AUTHOR_COLUMNS} from inserted join users u on u.id = inserted.user_id${MESSAGE_NEW_BATCH_READ}`,
);

/**
 * INSERT_BATCH for one send, as most sends are at real rates: the same rules (next seq, the
 * channel's clock, its counters, a stored clientId or a channel of another app leaves it out, its
 * message.new webhook event: MESSAGE_NEW_COLUMN) for
 * two thirds of its cost in Postgres (measured: 0.28 vs 0.4 ms). $1 app, $2 channel, $3 user,
 * $4 text, $5 attachments, $6 metadata, $7 parent, $8 clientId, $9 the message's id.
 */
export const INSERT_ONE = withAndWithoutReplies(
  (replies) => `
    with bumped as (
      update channels c
         set last_seq = c.last_seq + 1,
             last_seq_at = ${newestCreatedAt('1')},
             last_message_at = ${newestCreatedAt('1')},
             message_count = c.message_count + 1,
             history_version = c.history_version + 1
       where c.id = $2 and c.app_id = $1 and c.deleted_at is null
         and ($8::text is null or not exists (
               select 1 from messages m where m.channel_id = $2 and m.user_id = $3 and m.client_id = $8))
      returning c.last_seq, c.last_seq_at
    ), inserted as (
      insert into messages (id, app_id, channel_id, user_id, seq, text, attachments, metadata,
                            parent_id, client_id, created_at, updated_at)
      select $9, $1, $2, $3, b.last_seq, $4, $5, $6, $7, $8, b.last_seq_at, b.last_seq_at from bumped b
      returning *
    )${replies}
    select inserted.*, ${AUTHOR_COLUMNS}${MESSAGE_NEW_COLUMN} from inserted join users u on u.id = inserted.user_id`,
);
