import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { COUNTERS_QUEUE, REACTIONS_QUEUE, type CounterJob, type ReactionJob } from '@heyyo/contracts';
import type { JobQueue } from '@heyyo/chat';
import type { Logger } from '@heyyo/logging';
import { closeSafely } from './close-safely.ts';
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

const counterKey = (job: CounterJob) =>
  job.kind === 'channel'
    ? `channel_${job.channelId}`
    : job.kind === 'message-reactions'
      ? `reactions_${job.messageId}`
      : `deleted_${job.channelId}_${job.seq}`;

export interface Producer extends JobQueue {
  queues: Queue[];
  close(): Promise<void>;
}

/** Enqueues the worker's jobs on the shared Redis connection. */
export function createProducer(redis: Redis, options: ProducerOptions, logger: Logger): Producer {
  const queueOptions = { connection: redis, prefix: options.prefix, defaultJobOptions: defaultJobOptions(options) };
  const reactions = new Queue<ReactionJob>(REACTIONS_QUEUE, queueOptions);
  const counters = new Queue<CounterJob>(COUNTERS_QUEUE, queueOptions);
  for (const queue of [reactions, counters]) {
    queue.on('error', (error) => logger.warn({ err: error, queue: queue.name }, 'queue error'));
  }

  const recount = async (job: CounterJob) => {
    const { jobId, delay } = coalescedJob(counterKey(job), options.coalesceMs);
    try {
      await counters.add(job.kind, job, { ...(jobId ? { jobId } : {}), delay });
    } catch (error) {
      // The change itself is committed; `npm run reconcile` repairs what a lost recount leaves.
      logger.error({ err: error, job }, 'could not enqueue a recount');
    }
  };

  return {
    queues: [reactions, counters],
    async reaction(job) {
      await reactions.add(job.op, job);
    },
    channelChanged: (channelId) => recount({ kind: 'channel', channelId }),
    messageReactionsChanged: (messageId) => recount({ kind: 'message-reactions', messageId }),
    messageDeleted: (channelId, seq) => recount({ kind: 'message-deleted', channelId, seq }),
    async close() {
      await Promise.all([reactions, counters].map((queue) => closeSafely(queue)));
    },
  };
}
