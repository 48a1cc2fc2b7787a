import type { ReactionJob } from '@heyyo/contracts';

/**
 * Where work for the worker leaves the process (BullMQ). Every method resolves
 * once its job is stored, so an answer to a client implies the work is queued.
 * Reactions reject when they cannot be queued (the client must retry); recount
 * requests never reject: they follow a change that is already committed, and
 * `npm run reconcile` repairs a recount that could not be queued.
 */
export interface JobQueue {
  reaction(job: ReactionJob): Promise<void>;
  /** The channel's messages or members changed: recount it soon. */
  channelChanged(channelId: string): Promise<void>;
  /** A message's reactions changed: recount them soon. */
  messageReactionsChanged(messageId: string): Promise<void>;
  /** A message was deleted: take it out of unread counts soon. */
  messageDeleted(channelId: string, seq: number): Promise<void>;
}

let lastVersion = 0;

/** Microseconds since the epoch, strictly increasing within this process. */
export function nextVersion(): number {
  lastVersion = Math.max(lastVersion + 1, Date.now() * 1000);
  return lastVersion;
}
