import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { COUNTERS_QUEUE, REACTIONS_QUEUE, type CounterJob, type ReactionJob } from '@heyyo/contracts';
import { LruCache, type JobQueue } from '@heyyo/chat';
import type { Logger } from '@heyyo/logging';
import { closeSafely } from './close-safely.ts';
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
export function recountRequests(recount: (job: CounterJob) => Promise<void>): Pick<JobQueue, 'channelChanged' | 'messageReactionsChanged' | 'messageDeleted'> {
  return {
    channelChanged: (channelId) => recount({ kind: 'channel', channelId }),
    messageReactionsChanged: (messageId) => recount({ kind: 'message-reactions', messageId }),
    messageDeleted: (channelId, seq) => recount({ kind: 'message-deleted', channelId, seq }),
  };
}

export const counterKey = (job: CounterJob) =>
  job.kind === 'channel'
    ? `channel_${job.channelId}`
    : job.kind === 'message-reactions'
      ? `reactions_${job.messageId}`
      : `deleted_${job.channelId}_${job.seq}`;

/** Keys whose current recount window is remembered (one entry per busy channel or message). */
const ENQUEUED_WINDOWS_CACHED = 10_000;

/** A JobQueue a process owns: its depth for metrics and tests, and a close for shutdown. */
export interface WorkQueue extends JobQueue {
  /** Depth and lag per queue. */
  stats(): Promise<QueueStats[]>;
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
  for (const queue of [reactions, counters]) {
    queue.on('error', (error) => logger.warn({ err: error, queue: queue.name }, 'queue error'));
  }

  // The window's job this process already added, per key: adding it again is a no-op
  // in BullMQ (same jobId) that still costs a Redis round trip on every message.
  const enqueuedWindows = new LruCache<string, string>(ENQUEUED_WINDOWS_CACHED);
  const recount = async (job: CounterJob) => {
    const key = counterKey(job);
    const { jobId, delay } = coalescedJob(key, options.coalesceMs);
    if (jobId && enqueuedWindows.get(key) === jobId) return;
    try {
      await counters.add(job.kind, job, { ...(jobId ? { jobId } : {}), delay });
      if (jobId) enqueuedWindows.set(key, jobId);
    } catch (error) {
      // The change itself is committed; `npm run reconcile` repairs what a lost recount leaves.
      logger.error({ err: error, job }, 'could not enqueue a recount');
    }
  };

  return {
    queues: [reactions, counters],
    stats: () => queueStats([reactions, counters]),
    async reaction(job) {
      await reactions.add(job.op, job);
    },
    ...recountRequests(recount),
    async close() {
      await Promise.all([reactions, counters].map((queue) => closeSafely(queue)));
    },
  };
}
