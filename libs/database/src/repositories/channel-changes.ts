import { sql, type SQL } from 'drizzle-orm';
import type { Database } from '../client.ts';
import { webhookEventOfLog } from './webhook-outbox.ts';

/*
 * A channel's changes are numbered by its version (channels.history_version). A transaction moves
 * the version while it holds the channel's row lock, which it keeps until it commits, so versions
 * commit in order: whoever reads version V in a snapshot sees every change numbered V or less, and
 * none above. Messages carry the version of their last change (messages.change_version); every
 * other change is a row of channel_events. Each change gets a version of its own, so a catch-up can
 * stop after any of them.
 */

/**
 * How many versions back a channel's logged events are kept: each write of the log deletes the
 * channel's events that fell further behind, so a channel holds at most this many rows. A catch-up
 * from further back is told to reload instead (messages keep their change_version forever).
 */
export const CHANGE_LOG_VERSIONS = 10_000;

/** A live event to log with the change that caused it (its payload without `version`). */
export interface ChannelEventEntry {
  event: string;
  payload: Record<string, unknown>;
  /** The message a reaction event is about. */
  messageId?: string;
}

/**
 * The end of a statement whose CTE `source` moved the version of some channels (its rows: `id`,
 * `app_id`, `history_version`): logs `entry` for each at its new version (`payload`: the jsonb to
 * store, entry's own payload by default), and deletes their events that fell more than
 * CHANGE_LOG_VERSIONS behind. Returns `channel_id, version` per logged event. An event that is a
 * webhook event type is also written to the webhook outbox (webhookEventOfLog).
 */
export function logEventsOf(source: string, entry: ChannelEventEntry, payload: SQL = sql`${JSON.stringify(entry.payload)}::jsonb`) {
  const from = sql.raw(source);
  return sql`, pruned as (
      delete from channel_events e using ${from} s
       where e.channel_id = s.id and e.version <= s.history_version - ${CHANGE_LOG_VERSIONS}
    )
    insert into channel_events (channel_id, version, app_id, event, payload, message_id)
    select id, history_version, app_id, ${entry.event}, ${payload}, ${entry.messageId ?? null}::uuid from ${from}
    returning channel_id, version${webhookEventOfLog(entry.event)}`;
}

/**
 * Logs the event at the channel's next version, moving the version in the same statement (the
 * update takes the row lock if the transaction does not hold it yet), and prunes the channel's log.
 * @returns the event's version; undefined when there is no such channel.
 */
export async function logChannelEvent(
  tx: Pick<Database, 'execute'>,
  channelId: string,
  entry: ChannelEventEntry,
): Promise<number | undefined> {
  const [row] = (await tx.execute(sql`
    with bumped as (
      update channels set history_version = history_version + 1 where id = ${channelId}
      returning id, app_id, history_version
    )${logEventsOf('bumped', entry)}`)) as unknown as { version: string }[];
  return row && Number(row.version);
}

/**
 * The version the `n`th message changed by one statement gets (1, 2, … per channel): the
 * channel's version in the statement's snapshot plus `n`. The transaction holds the channel's row
 * lock already, and the statement moves the version by as many.
 */
export const nthChangeVersion = (channelId: SQL, n: SQL | number = 1) =>
  sql`((select c.history_version from channels c where c.id = ${channelId}) + ${n})`;
