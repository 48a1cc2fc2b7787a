import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { LRUCache } from 'lru-cache';
import { COUNTERS_QUEUE, REACTIONS_QUEUE, WEBHOOKS_QUEUE, type CounterJob, type ReactionJob, type WebhookJob } from '@heyyo/contracts';
import type { Logger } from '@heyyo/logging';
import { closeSafely } from './close-safely.ts';
import { retryEnqueue } from './retry-enqueue.ts';
import type { JobQueue } from './job-queue.ts';
import { queueStats, type QueueStats } from './metrics.ts';
import { defaultJobOptions, type JobSettings } from './job-options.ts';

export interface ProducerOptions extends JobSettings {
  /** BullMQ key prefix. */
  prefix: string;
  /** Changes within this window become one recount. */
  coalesceMs: number;
}

/**
 * The id of the one recount job for `key` in the current window, and how long it
 * waits. Every change in a window maps to the same id (BullMQ keeps one job per id),
 * and the job runs after its window closes, so it sees all of that window's changes.
 */
export function coalescedJob(key: string, coalesceMs: number, now = Date.now()) {
  if (coalesceMs === 0) return { jobId: undefined, delay: 0 };
  const window = Math.floor(now / coalesceMs);
  return { jobId: `${key}_${window}`, delay: (window + 1) * coalesceMs - now };
}

/** The JobQueue's recount requests, as the counter job each one enqueues through `recount`. */
export function recountRequests(recount: (job: CounterJob) => Promise<void>): Pick<JobQueue, 'messageReactionsChanged'> {
  return {
    messageReactionsChanged: (messageId) => recount({ kind: 'message-reactions', messageId }),
  };
}

export const counterKey = (job: CounterJob) => `reactions_${job.messageId}`;

/**
 * A webhook job's id: one per try of a delivery, so handing the same try out twice (a lease that
 * lapsed while the job waited) queues it once. BullMQ refuses ":" in custom ids.
 */
export const webhookJobId = (job: WebhookJob) => `wh_${job.deliveryId}_${job.attempt}`;

/** Keys whose current recount window is remembered (one entry per busy channel or message). */
const ENQUEUED_WINDOWS_CACHED = 10_000;

/** A JobQueue a process owns: its depth for metrics and tests, and a close for shutdown. */
export interface WorkQueue extends JobQueue {
  /** Depth and lag per queue. */
  stats(): Promise<QueueStats[]>;
  /** Recount requests given up on since the process started (each retried first). */
  enqueueFailures(): number;
  close(): Promise<void>;
}

export interface Producer extends WorkQueue {
  queues: Queue[];
}

/** Enqueues the worker's jobs on the shared Redis connection. */
export function createProducer(redis: Redis, options: ProducerOptions, logger: Logger): Producer {
  const queueOptions = { connection: redis, prefix: options.prefix, defaultJobOptions: defaultJobOptions(options) };
  const reactions = new Queue<ReactionJob>(REACTIONS_QUEUE, queueOptions);
  const counters = new Queue<CounterJob>(COUNTERS_QUEUE, queueOptions);
  const webhooks = new Queue<WebhookJob>(WEBHOOKS_QUEUE, queueOptions);
  const queues = [reactions, counters, webhooks];
  for (const queue of queues) {
    queue.on('error', (error) => logger.warn({ err: error, queue: queue.name }, 'queue error'));
  }

  // The window's job this process already added, per key: adding it again is a no-op
  // in BullMQ (same jobId) that still costs a Redis round trip on every message.
  const enqueuedWindows = new LRUCache<string, string>({ max: ENQUEUED_WINDOWS_CACHED });
  let enqueueFailures = 0;
  const recount = async (job: CounterJob) => {
    const key = counterKey(job);
    const { jobId, delay } = coalescedJob(key, options.coalesceMs);
    if (jobId && enqueuedWindows.get(key) === jobId) return;
    const added = await retryEnqueue(
      () => counters.add(job.kind, job, { ...(jobId ? { jobId } : {}), delay }),
      (error, tries) => {
        // The change itself is committed; `npm run reconcile` repairs what a lost recount leaves.
        enqueueFailures++;
        logger.error({ err: error, job, tries }, 'could not enqueue a recount');
      },
    );
    if (added && jobId) enqueuedWindows.set(key, jobId);
  };

  return {
    queues,
    stats: () => queueStats(queues),
    enqueueFailures: () => enqueueFailures,
    async reaction(job) {
      await reactions.add(job.op, job);
    },
    ...recountRequests(recount),
    async webhookDelivery(job) {
      // Postgres keeps the delivery's state and retries (the relay): a job is tried once, and not kept.
      await webhooks.add('deliver', job, { jobId: webhookJobId(job), attempts: 1, removeOnComplete: true, removeOnFail: true });
    },
    async close() {
      await Promise.all(queues.map((queue) => closeSafely(queue)));
    },
  };
}
