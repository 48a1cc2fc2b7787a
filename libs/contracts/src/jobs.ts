/** Jobs that API and gateway nodes enqueue and the worker runs (BullMQ). */

/** Queue of reaction changes: persisted by the worker, then announced. */
export const REACTIONS_QUEUE = 'reactions';
/** Queue of counter recounts, coalesced per channel or message. */
export const COUNTERS_QUEUE = 'counters';

export interface ReactionJob {
  op: 'add' | 'remove';
  appId: string;
  channelId: string;
  messageId: string;
  userId: string;
  externalId: string;
  type: string;
  /** When the request was accepted (µs since epoch): the newer of two changes wins. */
  version: number;
}

export type CounterJob =
  /** Recount the channel's message and member counts, last_message_at, and its members' unread counts. */
  | { kind: 'channel'; channelId: string }
  /** Recount the reactions of one message per type. */
  | { kind: 'message-reactions'; messageId: string }
  /** A message was deleted: take it out of the unread counts that included it. */
  | { kind: 'message-deleted'; channelId: string; seq: number };

/** What a processor sees of a job, whichever engine runs it (a BullMQ Job is one). */
export interface JobRun<T> {
  data: T;
  /** Failed attempts before this one. */
  attemptsMade: number;
}
