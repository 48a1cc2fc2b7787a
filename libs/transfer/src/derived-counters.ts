import type { Sql } from 'postgres';

/*
 * What the live system keeps beside the rows, recomputed for the channels an import touched, so
 * the API goes on from the imported state: the next send takes seq max+1 at a later created_at,
 * counts and unread arithmetic hold (see libs/database counters.repository.ts and unread.ts for
 * the definitions restated here), and every cached history page of those channels and of the app
 * is stale (history_version, profile_version move).
 */

/** Channels recounted per transaction: each locks its channels' rows (as sends do) for a bounded time. */
const CHANNELS_PER_TRANSACTION = 500;
/** Messages whose reaction or reply counts are recomputed per statement. */
const MESSAGES_PER_STATEMENT = 5_000;

/** What an import stored rows under: the only places its derived counters can have moved. */
export interface ImportTouched {
  /** Channels that got messages or members. */
  channels: ReadonlySet<string>;
  /** Messages that got reactions. */
  reactedMessages: ReadonlySet<string>;
  /** Messages that got replies. */
  parents: ReadonlySet<string>;
}

/** Statements run at once (the import's writers' connections, free by now): chunks touch disjoint rows. */
const PARALLEL_CHUNKS = 2;

/** Runs `work` on `ids` in chunks of `size`, PARALLEL_CHUNKS at a time. */
async function inChunks(ids: ReadonlySet<string>, size: number, work: (chunk: string[]) => Promise<unknown>): Promise<void> {
  const all = [...ids];
  const chunks: string[][] = [];
  for (let start = 0; start < all.length; start += size) chunks.push(all.slice(start, start + size));
  let next = 0;
  const worker = async () => {
    while (next < chunks.length) await work(chunks[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(PARALLEL_CHUNKS, chunks.length) }, worker));
}

export async function recountAfterImport(sql: Sql, appId: string, touched: ImportTouched): Promise<void> {
  // Reaction counts from the live reactions (an import never stores counts itself).
  await inChunks(touched.reactedMessages, MESSAGES_PER_STATEMENT, (ids) => sql`
      update messages m set reaction_counts = coalesce(r.counts, '{}'::jsonb)
        from unnest(${ids}::uuid[]) as t(id)
        left join (select message_id, jsonb_object_agg(type, n) as counts
                     from (select message_id, type, count(*) as n from reactions
                            where message_id = any(${ids}::uuid[]) and removed_at is null
                            group by 1, 2) per_type
                    group by 1) r on r.message_id = t.id
       where m.id = t.id and m.app_id = ${appId} and m.reaction_counts <> coalesce(r.counts, '{}'::jsonb)`);
  await inChunks(touched.parents, MESSAGES_PER_STATEMENT, (ids) => sql`
      update messages p set reply_count = coalesce(r.replies, 0), last_reply_at = r.newest
        from unnest(${ids}::uuid[]) as t(id)
        left join (select parent_id, count(*)::int as replies, max(created_at) as newest from messages
                    where parent_id = any(${ids}::uuid[]) and deleted_at is null
                    group by parent_id) r on r.parent_id = t.id
       where p.id = t.id and p.app_id = ${appId}
         and (p.reply_count <> coalesce(r.replies, 0) or p.last_reply_at is distinct from r.newest)`);
  await inChunks(touched.channels, CHANNELS_PER_TRANSACTION, (ids) =>
    sql.begin(async (tx) => {
      await tx`select id from channels where app_id = ${appId} and id = any(${ids}::uuid[]) order by id for update`;
      await tx`
        update channels c set
          last_seq = s.last_seq,
          last_seq_at = s.last_seq_at,
          message_count = s.last_seq - s.deleted,
          last_message_at = s.last_message_at,
          member_count = s.members,
          history_version = c.history_version + 1
          from (select c2.id,
                       coalesce((select max(seq) from messages m where m.channel_id = c2.id), 0) as last_seq,
                       (select m.created_at from messages m where m.channel_id = c2.id order by m.seq desc limit 1) as last_seq_at,
                       (select count(*) from messages m where m.channel_id = c2.id and m.deleted_at is not null) as deleted,
                       (select m.created_at from messages m where m.channel_id = c2.id and m.deleted_at is null
                         order by m.seq desc limit 1) as last_message_at,
                       (select count(*) from channel_members cm where cm.channel_id = c2.id)::int as members
                  from channels c2 where c2.id = any(${ids}::uuid[])) s
         where c.id = s.id and c.app_id = ${appId}`;
      // A read position past the end (a file whose messages were cut short) would make unread counts negative.
      await tx`
        update channel_members cm set last_read_seq = c.last_seq from channels c
         where c.id = cm.channel_id and cm.channel_id = any(${ids}::uuid[]) and cm.last_read_seq > c.last_seq`;
    }),
  );
  // Imported profiles show in history pages of any channel: every cached page of the app is stale.
  await sql`update apps set profile_version = profile_version + 1 where id = ${appId}`;
}
