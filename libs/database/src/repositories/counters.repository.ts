import { sql, type SQL } from 'drizzle-orm';
import type { Database } from '../client.ts';
import { nthChangeVersion } from './channel-changes.ts';

/*
 * Channel counters (message_count, member_count, last_message_at) change in the statements
 * that change their rows (a send, a delete, a join), and unread counts are computed when read
 * (unread.ts), so neither needs a recount; nor do a thread's reply_count and last_reply_at, kept by
 * the statements that store and delete replies. Reaction counts are the one counter the worker keeps:
 * its recount is idempotent — it locks the message's channel row (the lock sends and deletes
 * take first, so the lock order is the same everywhere), then counts in a new statement whose
 * snapshot (READ COMMITTED) includes every change committed before the lock was granted, so
 * running a job twice, late, or in parallel with another gives the same numbers.
 */

/** Expected values of every counter, computed from the rows (used by reconcile). */
const EXPECTED_CHANNEL = sql`
  select c.id,
         c.last_seq - (select count(*) from messages m where m.channel_id = c.id and m.deleted_at is not null) as message_count,
         (select count(*) from channel_members cm where cm.channel_id = c.id)::int as member_count,
         (select m.created_at from messages m where m.channel_id = c.id and m.deleted_at is null
           order by m.seq desc limit 1) as last_message_at
    from channels c`;

const EXPECTED_REACTIONS = sql`
  select m.id,
         coalesce((select jsonb_object_agg(type, n) from (
                     select r.type, count(*) as n from reactions r
                      where r.message_id = m.id and r.removed_at is null group by r.type) per_type),
                  '{}'::jsonb) as reaction_counts
    from messages m`;

/**
 * Sets the columns (`set`, from the row `d` of `expected`) of the messages that differ from
 * `expected` (rows `e`: id and the expected columns; `differ` compares them with the message `m`),
 * each changed message at a change version of its own, and moves each channel's version past
 * them. The caller has locked those channels' rows first and runs this as a statement of its own
 * (see above).
 */
function correctMessages(expected: SQL, differ: SQL, set: SQL) {
  return sql`
    with differing as (
      select e.*, m.channel_id, row_number() over (partition by m.channel_id order by m.seq) as n
        from (${expected}) e join messages m on m.id = e.id
       where ${differ}
    ), corrected as (
      update messages m set ${set}, change_version = ${nthChangeVersion(sql`d.channel_id`, sql`d.n`)}
        from differing d where m.id = d.id
      returning m.channel_id
    )
    update channels c set history_version = c.history_version + r.changed
      from (select channel_id, count(*) as changed from corrected group by channel_id) r
     where c.id = r.channel_id`;
}

const REACTIONS_DIFFER = sql`m.reaction_counts <> e.reaction_counts`;
const SET_REACTIONS = sql`reaction_counts = d.reaction_counts`;

/** Sets the reaction counts of the messages `messageIds` (a subquery) from their live reactions (see correctMessages). */
export function recountReactionsStatement(messageIds: SQL) {
  return correctMessages(sql`${EXPECTED_REACTIONS} where m.id in ${messageIds}`, REACTIONS_DIFFER, SET_REACTIONS);
}

/** Sets reply_count and last_reply_at of the messages `parentIds` (a subquery) from their live replies (see correctMessages). */
export function recountRepliesStatement(parentIds: SQL) {
  const live = sql`from messages r where r.parent_id = p.id and r.deleted_at is null`;
  const expected = sql`
    select p.id, (select count(*)::int ${live}) as reply_count, (select max(r.created_at) ${live}) as last_reply_at
      from messages p where p.id in ${parentIds}`;
  return correctMessages(expected, REPLIES_DIFFER, SET_REPLIES);
}

/** Each message's live replies and the newest one's created_at (reply_count, last_reply_at). */
const EXPECTED_REPLIES = sql`
  select m.id, coalesce(r.replies, 0) as reply_count, r.newest as last_reply_at
    from messages m
    left join (select parent_id, count(*)::int as replies, max(created_at) as newest from messages
                where parent_id is not null and deleted_at is null group by parent_id) r on r.parent_id = m.id`;

const REPLIES_DIFFER = sql`(m.reply_count <> e.reply_count or m.last_reply_at is distinct from e.last_reply_at)`;
const SET_REPLIES = sql`reply_count = d.reply_count, last_reply_at = d.last_reply_at`;

/** Messages whose reaction_counts, reply_count or last_reply_at differ from their rows. */
const DRIFTED_MESSAGES = sql`
  select e.id from (${EXPECTED_REACTIONS}) e join messages m on m.id = e.id where ${REACTIONS_DIFFER}
  union
  select e.id from (${EXPECTED_REPLIES}) e join messages m on m.id = e.id where ${REPLIES_DIFFER}`;

export interface Drift {
  /** Channels whose message_count, member_count or last_message_at differ from the rows. */
  channels: number;
  /** Messages whose reaction_counts, or reply_count or last_reply_at, differ. */
  messages: number;
}

export function createCountersRepository(db: Database) {
  return {
    /** Recounts one message's live reactions per type. */
    async recountMessageReactions(messageId: string): Promise<void> {
      await db.transaction(async (tx) => {
        await tx.execute(sql`
          select 1 from channels where id = (select channel_id from messages where id = ${messageId}) for update`);
        await tx.execute(recountReactionsStatement(sql`(${messageId})`));
      });
    },

    /** Compares every counter with the rows; with `fix`, sets the ones that differ. */
    async reconcile(fix: boolean): Promise<Drift> {
      return db.transaction(async (tx) => {
        const channelDrift = (await tx.execute(sql`
          select e.* from (${EXPECTED_CHANNEL}) e join channels c on c.id = e.id
           where c.message_count <> e.message_count or c.member_count <> e.member_count
              or c.last_message_at is distinct from e.last_message_at`)) as unknown as unknown[];
        const messageDrift = (await tx.execute(DRIFTED_MESSAGES)) as unknown as unknown[];
        if (fix) {
          await tx.execute(sql`
            update channels c set message_count = e.message_count, member_count = e.member_count,
                   last_message_at = e.last_message_at
              from (${EXPECTED_CHANNEL}) e where c.id = e.id`);
          // Corrected messages take versions of their channels: those rows are locked first.
          await tx.execute(sql`
            select id from channels where id in (select channel_id from messages where id in (${DRIFTED_MESSAGES}))
             order by id for update`);
          await tx.execute(correctMessages(EXPECTED_REACTIONS, REACTIONS_DIFFER, SET_REACTIONS));
          await tx.execute(correctMessages(EXPECTED_REPLIES, REPLIES_DIFFER, SET_REPLIES));
        }
        return { channels: channelDrift.length, messages: messageDrift.length };
      });
    },
  };
}

export type CountersRepository = ReturnType<typeof createCountersRepository>;
