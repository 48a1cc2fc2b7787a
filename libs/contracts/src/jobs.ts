/** Jobs that API and gateway nodes enqueue and the worker runs (BullMQ). */

/** Queue of reaction changes: persisted by the worker, then announced. */
export const REACTIONS_QUEUE = 'reactions';
/** Queue of reaction-count recounts, coalesced per message. */
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

/**
 * Recount the reactions of one message per type. (Channel counters and unread counts need no
 * job: they change in the statements that change their rows, or are computed when read.)
 */
export type CounterJob = { kind: 'message-reactions'; messageId: string };

/** What a processor sees of a job, whichever engine runs it (a BullMQ Job is one). */
export interface JobRun<T> {
  data: T;
  /** Failed attempts before this one. */
  attemptsMade: number;
}

/** Queue of webhook deliveries: one job sends one delivery (see docs/webhooks.md). */
export const WEBHOOKS_QUEUE = 'webhooks';

/**
 * Send delivery `deliveryId`, which had made `attempt` tries when it was handed out: a job whose
 * delivery has moved on (tried meanwhile) does nothing, so a repeated job never sends twice.
 */
export interface WebhookJob {
  deliveryId: string;
  attempt: number;
}
