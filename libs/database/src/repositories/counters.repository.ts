import { sql } from 'drizzle-orm';
import type { Database } from '../client.ts';

/*
 * Every recount here is idempotent: it first takes a lock that serializes it with
 * other recounts of the same thing (the row it maintains, or for a channel an advisory
 * lock), then computes from the rows in a new statement, whose snapshot (READ
 * COMMITTED) includes every change committed before the lock was granted. Running a job twice, late, or in
 * parallel with another therefore gives the same numbers — no increment is ever
 * applied blindly.
 */

/** First key of the advisory locks that serialize recounts of one channel (the second is its id's hash). */
const CHANNEL_RECOUNT_LOCK = 4242;

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

const EXPECTED_UNREAD = sql`
  select cm.channel_id, cm.user_id, c.last_seq,
         (select count(*) from messages m
           where m.channel_id = cm.channel_id and m.seq > cm.last_read_seq and m.seq <= c.last_seq
             and m.deleted_at is null and m.user_id <> cm.user_id)::int as unread_count
    from channel_members cm join channels c on c.id = cm.channel_id`;

export interface Drift {
  /** Channels whose message_count, member_count or last_message_at differ from the rows. */
  channels: number;
  /** Messages whose reaction_counts differ. */
  messages: number;
  /** Memberships whose unread count (or its watermark) lags the rows. */
  members: number;
}

export function createCountersRepository(db: Database) {
  return {
    /**
     * Recounts a channel's message_count (last_seq minus deleted), member_count and
     * last_message_at, and brings its members' unread counts up to last_seq.
     * @returns false when the channel no longer exists.
     */
    async recountChannel(channelId: string): Promise<boolean> {
      return db.transaction(async (tx) => {
        // Recounts of one channel take turns on an advisory lock, not on the channel row,
        // which every send updates: the row is locked only by the last statement, briefly.
        await tx.execute(sql`select pg_advisory_xact_lock(${CHANNEL_RECOUNT_LOCK}, hashtext(${channelId}))`);
        // A send bumps last_seq and inserts its message in one commit, and sends to a channel
        // commit in seq order (they queue on its row), so every message up to the committed
        // last_seq is visible to the statements after this one.
        const [channel] = (await tx.execute(sql`
          select last_seq from channels where id = ${channelId}`)) as unknown as { last_seq: string }[];
        if (!channel) return false;
        const lastSeq = Number(channel.last_seq);
        await tx.execute(sql`
          select 1 from channel_members where channel_id = ${channelId} and unread_through_seq < ${lastSeq} for update`);
        await tx.execute(sql`
          update channel_members cm set
            unread_count = cm.unread_count + (
              select count(*) from messages m
               where m.channel_id = cm.channel_id
                 and m.seq > greatest(cm.unread_through_seq, cm.last_read_seq) and m.seq <= ${lastSeq}
                 and m.deleted_at is null and m.user_id <> cm.user_id),
            unread_through_seq = ${lastSeq}
           where cm.channel_id = ${channelId} and cm.unread_through_seq < ${lastSeq}`);
        await tx.execute(sql`
          update channels c set
            message_count = e.message_count, member_count = e.member_count, last_message_at = e.last_message_at
            from (${EXPECTED_CHANNEL} where c.id = ${channelId}) e
           where c.id = e.id`);
        return true;
      });
    },

    /** A deleted message leaves the unread counts that included it (recounted, not decremented). */
    async recountUnreadAround(channelId: string, seq: number): Promise<void> {
      await db.transaction(async (tx) => {
        const affected = sql`channel_id = ${channelId} and last_read_seq < ${seq} and unread_through_seq >= ${seq}`;
        await tx.execute(sql`select 1 from channel_members where ${affected} for update`);
        await tx.execute(sql`
          update channel_members cm set unread_count = (
              select count(*) from messages m
               where m.channel_id = cm.channel_id and m.seq > cm.last_read_seq and m.seq <= cm.unread_through_seq
                 and m.deleted_at is null and m.user_id <> cm.user_id)
           where ${affected}`);
      });
    },

    /** Recounts one message's live reactions per type. */
    async recountMessageReactions(messageId: string): Promise<void> {
      await db.transaction(async (tx) => {
        await tx.execute(sql`select 1 from messages where id = ${messageId} for update`);
        await tx.execute(sql`
          update messages m set reaction_counts = e.reaction_counts
            from (${EXPECTED_REACTIONS} where m.id = ${messageId}) e
           where m.id = e.id`);
      });
    },

    /** Compares every counter with the rows; with `fix`, sets the ones that differ. */
    async reconcile(fix: boolean): Promise<Drift> {
      return db.transaction(async (tx) => {
        const channelDrift = (await tx.execute(sql`
          select e.* from (${EXPECTED_CHANNEL}) e join channels c on c.id = e.id
           where c.message_count <> e.message_count or c.member_count <> e.member_count
              or c.last_message_at is distinct from e.last_message_at`)) as unknown as unknown[];
        const messageDrift = (await tx.execute(sql`
          select e.id from (${EXPECTED_REACTIONS}) e join messages m on m.id = e.id
           where m.reaction_counts <> e.reaction_counts`)) as unknown as unknown[];
        const memberDrift = (await tx.execute(sql`
          select e.channel_id from (${EXPECTED_UNREAD}) e
            join channel_members cm on cm.channel_id = e.channel_id and cm.user_id = e.user_id
           where cm.unread_count <> e.unread_count or cm.unread_through_seq < e.last_seq`)) as unknown as unknown[];
        if (fix) {
          await tx.execute(sql`
            update channels c set message_count = e.message_count, member_count = e.member_count,
                   last_message_at = e.last_message_at
              from (${EXPECTED_CHANNEL}) e where c.id = e.id`);
          await tx.execute(sql`
            update messages m set reaction_counts = e.reaction_counts
              from (${EXPECTED_REACTIONS}) e where m.id = e.id and m.reaction_counts <> e.reaction_counts`);
          await tx.execute(sql`
            update channel_members cm set unread_count = e.unread_count, unread_through_seq = e.last_seq
              from (${EXPECTED_UNREAD}) e where cm.channel_id = e.channel_id and cm.user_id = e.user_id`);
        }
        return { channels: channelDrift.length, messages: messageDrift.length, members: memberDrift.length };
      });
    },
  };
}

export type CountersRepository = ReturnType<typeof createCountersRepository>;
