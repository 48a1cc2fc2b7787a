import { Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { COUNTERS_QUEUE, REACTIONS_QUEUE, WEBHOOKS_QUEUE } from '@heyyo/contracts';
import type { ChatServices } from '@heyyo/chat';
import type { Config } from '@heyyo/config';
import type { Logger } from '@heyyo/logging';
import { closeRedis, type RedisKeys } from '@heyyo/realtime';
import { closeSafely, workerRunOptions } from '@heyyo/queue';
import { createCountersProcessor } from './processors/counters.processor.ts';
import { createReactionsProcessor } from './processors/reactions.processor.ts';
import { createWebhooksProcessor } from './processors/webhooks.processor.ts';

export interface WorkerOptions {
  config: Readonly<Config>;
  logger: Logger;
  /** The domain services the processors call. */
  services: Pick<ChatServices, 'reactions' | 'counters' | 'webhookDelivery'>;
  keys: RedisKeys;
}

export interface RunningWorker {
  /** Stops taking jobs and waits for the running ones to finish. */
  close(): Promise<void>;
}

/**
 * BullMQ silently loses jobs when Redis evicts keys under memory pressure; say so
 * at start-up. Managed Redis services may refuse CONFIG: then we cannot tell.
 */
export async function checkEvictionPolicy(redis: Redis, logger: Logger): Promise<void> {
  try {
    const [, policy] = (await redis.config('GET', 'maxmemory-policy')) as [string, string];
    if (policy !== 'noeviction') {
      logger.warn({ policy }, 'Redis maxmemory-policy is not noeviction: queued jobs can be evicted and lost');
    }
  } catch (error) {
    logger.info({ err: error }, 'could not read Redis maxmemory-policy (CONFIG GET refused); make sure it is noeviction');
  }
}

/**
 * Starts the workers of both queues on their own Redis connection. Does not wait
 * for Redis: the workers connect (and reconnect) by themselves, so a node whose
 * Redis is down still starts and reports it on /ready.
 */
export function startWorker(options: WorkerOptions): RunningWorker {
  const { config, logger } = options;
  // Blocking commands must wait out Redis restarts instead of failing: BullMQ requires this on workers.
  const connection = new Redis(config.redis.url, { maxRetriesPerRequest: null });
  connection.on('error', (error) => logger.warn({ err: error }, 'worker redis error'));
  connection.once('ready', () => void checkEvictionPolicy(connection, logger));

  const workerOptions = { connection, prefix: options.keys.bullPrefix, ...workerRunOptions(config.jobs) };
  const workers = [
    new Worker(REACTIONS_QUEUE, createReactionsProcessor(options), workerOptions),
    new Worker(COUNTERS_QUEUE, createCountersProcessor(options), workerOptions),
    // Each job waits on a receiver (up to its timeout): its own bound on how many at once.
    new Worker(WEBHOOKS_QUEUE, createWebhooksProcessor(options), { ...workerOptions, concurrency: config.webhooks.concurrency }),
  ];
  for (const worker of workers) {
    worker.on('error', (error) => logger.warn({ err: error, queue: worker.name }, 'worker error'));
    worker.on('failed', (job, error) =>
      logger.warn({ err: error, queue: worker.name, jobId: job?.id, attempts: job?.attemptsMade }, 'job failed'),
    );
  }
  // Hands the webhook outbox's due deliveries to the queue (see webhook-delivery.ts).
  const relay = options.services.webhookDelivery.startRelay();
  logger.info({ queues: workers.map((worker) => worker.name), concurrency: config.jobs.concurrency }, 'worker started');

  return {
    async close() {
      await relay.stop();
      await Promise.all(workers.map((worker) => closeSafely(worker)));
      await closeRedis(connection);
    },
  };
}
