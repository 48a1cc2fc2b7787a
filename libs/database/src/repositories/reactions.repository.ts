import { sql } from 'drizzle-orm';
import type { Database } from '../client.ts';
import type { AppId } from '../tenant.ts';
import { logChannelEvent, type ChannelEventEntry } from './channel-changes.ts';

export interface ReactionChange {
  messageId: string;
  userId: string;
  type: string;
  /** true: the reaction should exist; false: it should not. */
  present: boolean;
  /** Applies only over an older version: a late or repeated change cannot undo a newer one. */
  version: number;
}

export function createReactionsRepository(db: Database) {
  return {
    /**
     * Applies an add or remove. Removal keeps a tombstone with its version, so an
     * add that was requested earlier but arrives later is refused too. Changes to
     * one reaction are serialized on its row, so exactly one of two racing jobs
     * sees (and reports) the transition, which is logged as `event` in its channel's changes.
     * @returns whether the reaction's presence changed, whether it now exists, and the change's
     * version in its channel when it changed.
     */
    async apply(
      appId: AppId,
      change: ReactionChange,
      event: ChannelEventEntry,
    ): Promise<{ changed: boolean; present: boolean; version?: number }> {
      const key = sql`message_id = ${change.messageId} and user_id = ${change.userId} and type = ${change.type}`;
      return db.transaction(async (tx) => {
        // The channel's row first, the lock order of sends and recounts.
        const [channel] = (await tx.execute(sql`
          select id from channels where id = (select channel_id from messages where id = ${change.messageId}) for update`)) as unknown as {
          id: string;
        }[];
        // A row to lock even for a reaction never seen: an absent one, older than any change. None
        // for a deactivated user: a change queued before an erasure must not bring a reaction back.
        await tx.execute(sql`
          insert into reactions (message_id, user_id, type, app_id, version, removed_at)
          select ${change.messageId}::uuid, ${change.userId}::uuid, ${change.type}::text, ${appId}::uuid, 0, now()
           where exists (select 1 from users where id = ${change.userId}::uuid and deactivated_at is null)
          on conflict do nothing`);
        const [current] = (await tx.execute(sql`
          select removed_at is null as present, version from reactions where ${key} for update`)) as unknown as {
          present: boolean;
          version: string;
        }[];
        if (!current) return { changed: false, present: false };
        const wasPresent = current.present;
        if (Number(current.version) >= change.version) return { changed: false, present: wasPresent };
        await tx.execute(sql`
          update reactions
             set version = ${change.version},
                 removed_at = case when ${change.present} then null else coalesce(removed_at, now()) end,
                 -- A reaction that comes back is a new reaction: it sorts as the latest.
                 created_at = case when ${change.present} and removed_at is not null then now() else created_at end
           where ${key}`);
        if (wasPresent === change.present) return { changed: false, present: wasPresent };
        // Logging moves the channel's version: cached history pages (which list reactions) are stale too.
        const version = channel && (await logChannelEvent(tx, channel.id, event));
        return { changed: true, present: change.present, ...(version === undefined ? {} : { version }) };
      });
    },

    /**
     * The version at which `event` was logged in the channel's changes, the newest such one (a
     * retried job announces again with it). @returns undefined when it was not logged.
     */
    async loggedVersion(channelId: string, event: ChannelEventEntry): Promise<number | undefined> {
      const [row] = (await db.execute(sql`
        select version from channel_events
         where channel_id = ${channelId} and event = ${event.event} and payload @> ${JSON.stringify(event.payload)}::jsonb
         order by version desc limit 1`)) as unknown as { version: string }[];
      return row && Number(row.version);
    },
  };
}

export type ReactionsRepository = ReturnType<typeof createReactionsRepository>;
