import type { ReactionJob, WebhookJob } from '@heyyo/contracts';

/**
 * Where work for the worker leaves the process (BullMQ, or the memory engine's queue).
 * Every method resolves once its job is stored, so an answer to a client implies the
 * work is queued. Reactions reject when they cannot be queued (the client must retry);
 * recount requests never reject: they follow a change that is already committed, so
 * they are retried a few times, then counted (heyyo_recount_enqueue_failures_total)
 * and left to `npm run reconcile`.
 *
 * Declared here, beside its implementations; @heyyo/chat enqueues through it.
 */
export interface JobQueue {
  reaction(job: ReactionJob): Promise<void>;
  /** A message's reactions changed: recount them soon. */
  messageReactionsChanged(messageId: string): Promise<void>;
  /**
   * Send a webhook delivery (the worker's relay hands them out). Rejects when it cannot be queued:
   * the delivery stays leased in Postgres and is handed out again when its lease lapses. A job whose
   * id (delivery and attempt) is already queued is not queued twice.
   */
  webhookDelivery(job: WebhookJob): Promise<void>;
}
