/**
 * The worker's side of webhooks: the relay that hands due deliveries from the Postgres outbox to the
 * job queue, and the job that sends one.
 *
 * Postgres holds every delivery's state (pending, delivered, failed; tries; when next), so nothing
 * committed is lost whatever happens to Redis or a worker: the relay leases a delivery before it
 * enqueues it, and hands it out again if the lease lapses (the job was lost, or its worker died).
 * A try is counted in the statement that starts it, and a job names the try it is for, so two jobs
 * for one try send once. Deliveries are at least once: a receiver that answered 2xx but whose
 * answer was lost gets the event again (same event id).
 *
 * Order: the deliveries of one channel's events to one endpoint (a "lane") go one at a time, in
 * the order the changes were made: only the oldest pending delivery of a lane is handed out, so a
 * failing one holds back the later ones until it is delivered or given up (failed, after the retry
 * window). Events outside channels (user.deleted) are not held back by one another.
 */
import type { JobRun, WebhookJob } from '@heyyo/contracts';
import type { Config } from '@heyyo/config';
import type { DueDelivery, Repositories, WebhookDeliveryStatus } from '@heyyo/database';
import type { Logger } from '@heyyo/logging';
import type { JobQueue } from '@heyyo/queue';
import { postWebhook, type WebhookAnswer, type WebhookPost } from './webhook-sender.ts';
import { webhookSignature } from './webhook-signature.ts';

export type WebhookSettings = Config['webhooks'];

/** Deliveries one relay statement hands out at most. */
const RELAY_BATCH = 100;
/** How often a worker gives up on pending deliveries past their window (a disabled endpoint's). */
const EXPIRE_EVERY_MS = 60_000;
/** How often a worker deletes old deliveries, and how long they are kept. */
const PRUNE_EVERY_MS = 10 * 60_000;
const KEEP_DELIVERED_MS = 3 * 24 * 3600_000;
const KEEP_FAILED_MS = 30 * 24 * 3600_000;

/**
 * The wait after try `attempt` (1, 2, …) failed: `backoffMs` doubling per try, at most
 * `backoffMaxMs`, less up to a fifth at random so that receivers that failed together are not
 * retried together.
 */
export function retryDelayMs(attempt: number, settings: Pick<WebhookSettings, 'backoffMs' | 'backoffMaxMs'>, random = Math.random): number {
  const full = Math.min(settings.backoffMaxMs, settings.backoffMs * 2 ** Math.min(attempt - 1, 40));
  return Math.round(full * (1 - random() / 5));
}

/** How long a handed-out delivery is not handed out again: well past a try's deadline. */
export const leaseMsFor = (settings: Pick<WebhookSettings, 'timeoutMs'>) => Math.max(60_000, settings.timeoutMs * 3);

export interface WebhookDeliveryDeps {
  repos: Pick<Repositories, 'webhooks'>;
  jobs: Pick<JobQueue, 'webhookDelivery'>;
  webhooks: WebhookSettings;
  logger?: Logger;
  /** The HTTP POST (tests replace it). */
  send?: (post: WebhookPost) => Promise<WebhookAnswer>;
  /** Milliseconds since the epoch (the signature's clock). */
  now?: () => number;
  /** How long a handed-out delivery is not handed out again (tests). @defaultValue leaseMsFor(webhooks) */
  leaseMs?: number;
}

export function createWebhookDelivery(deps: WebhookDeliveryDeps) {
  const { repos, jobs, webhooks: settings, logger } = deps;
  const send = deps.send ?? postWebhook;
  const now = deps.now ?? Date.now;
  const leaseMs = deps.leaseMs ?? leaseMsFor(settings);
  // Aborted when the worker stops: tries in flight end at once (and are tried again soon, elsewhere).
  const stopping = new AbortController();

  /** Queues the deliveries handed out; one that cannot be queued is handed out again when its lease lapses. */
  async function enqueue(due: DueDelivery[]): Promise<void> {
    for (const delivery of due) {
      try {
        await jobs.webhookDelivery({ deliveryId: delivery.id, attempt: delivery.attempts });
      } catch (error) {
        logger?.warn({ err: error, deliveryId: delivery.id }, 'could not queue a webhook delivery: it is handed out again later');
      }
    }
  }

  /** Hands out what is due now (RELAY_BATCH at most). @returns how many. */
  async function relayOnce(): Promise<number> {
    const due = await repos.webhooks.claimDue(RELAY_BATCH, leaseMs);
    await enqueue(due);
    return due.length;
  }

  return {
    relayOnce,

    /**
     * The `webhooks` job: one try of one delivery, signed now, and what came of it recorded — the
     * next try scheduled, or the delivery given up when that would fall past its window. After a
     * success the next delivery of its lane is handed out at once.
     */
    async deliver(job: JobRun<WebhookJob>): Promise<{ status: WebhookDeliveryStatus | 'skipped' }> {
      // A stopping worker starts no try: the delivery is handed out again when its lease lapses.
      if (stopping.signal.aborted) return { status: 'skipped' };
      const started = await repos.webhooks.startAttempt(job.data.deliveryId, job.data.attempt, leaseMs);
      if (!started) return { status: 'skipped' };
      const timestamp = Math.floor(now() / 1000);
      const answer = await send({
        url: started.url,
        body: started.body,
        headers: {
          'user-agent': 'Heyyo-Webhooks/1',
          'heyyo-signature': webhookSignature(started.secret, started.body, timestamp),
          'heyyo-event-id': started.eventId,
          'heyyo-event-type': started.eventType,
          'heyyo-delivery-id': started.id,
          'heyyo-delivery-attempt': String(started.attempt),
        },
        timeoutMs: settings.timeoutMs,
        allowPrivate: settings.allowPrivate,
        signal: stopping.signal,
      });
      // Cut short by a stop: not the receiver's failure, so no backoff.
      const cutShort = stopping.signal.aborted && !answer.delivered;
      const status = await repos.webhooks.recordOutcome(started.id, started.attempt, {
        delivered: answer.delivered,
        responseStatus: answer.status,
        responseBody: answer.body,
        error: answer.error,
        retryInMs: cutShort ? 0 : retryDelayMs(started.attempt, settings),
        retryWindowMs: settings.retryWindowMs,
      });
      const context = { deliveryId: started.id, endpointId: started.endpointId, attempt: started.attempt, ms: answer.ms };
      if (status === 'failed') logger?.warn({ ...context, error: answer.error }, 'webhook delivery failed: kept for redelivery');
      else if (status === 'pending') logger?.info({ ...context, error: answer.error }, 'webhook delivery failed: will retry');
      if (status === 'delivered' && started.channelId) {
        const next = await repos.webhooks.claimLaneHead(started.endpointId, started.channelId, leaseMs);
        if (next) await enqueue([next]);
      }
      return { status: status ?? 'skipped' };
    },

    /**
     * Starts the relay: every `pollMs` it hands out what is due (again at once while it finds full
     * batches), gives up on what outlived its window and prunes old deliveries now and then.
     * @returns stop(): ends the loop, after the round in progress, and cuts the tries in flight short
     * (a receiver that hangs cannot hold a worker's shutdown; those deliveries are retried at once).
     */
    startRelay(): { stop(): Promise<void> } {
      let stopped = false;
      let timer: NodeJS.Timeout | undefined;
      let round: Promise<void> | undefined;
      let expiredAt = 0;
      let prunedAt = 0;
      const runRound = async () => {
        try {
          while (!stopped && (await relayOnce()) === RELAY_BATCH);
          if (!stopped && Date.now() - expiredAt >= EXPIRE_EVERY_MS) {
            expiredAt = Date.now();
            const expired = await repos.webhooks.failExpired(settings.retryWindowMs);
            if (expired > 0) logger?.warn({ expired }, 'webhook deliveries not delivered within the retry window: kept as failed');
          }
          if (!stopped && Date.now() - prunedAt >= PRUNE_EVERY_MS) {
            prunedAt = Date.now();
            await repos.webhooks.prune(KEEP_DELIVERED_MS, KEEP_FAILED_MS);
          }
        } catch (error) {
          // Postgres away: the next round tries again; nothing is lost meanwhile.
          logger?.warn({ err: error }, 'webhook relay round failed');
        }
      };
      const schedule = () => {
        if (stopped) return;
        timer = setTimeout(() => {
          round = runRound().finally(schedule);
        }, settings.pollMs);
        timer.unref();
      };
      round = runRound().finally(schedule);
      return {
        async stop() {
          stopped = true;
          clearTimeout(timer);
          stopping.abort();
          await round;
        },
      };
    },
  };
}

export type WebhookDelivery = ReturnType<typeof createWebhookDelivery>;
