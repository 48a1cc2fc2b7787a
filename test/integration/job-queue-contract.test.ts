/**
 * BullMQ on Redis against the job queue contract, configured as the Redis engine runs it:
 * two producers (createProducer, with defaultJobOptions) as two API nodes, and one Worker
 * per queue with worker.ts's options. Each queue under test has a Redis prefix of its
 * own, removed afterwards. Redis-only (REDIS_ONLY in vitest.config.ts): the memory queue
 * runs the same contract as a unit test.
 */
import { randomBytes } from 'node:crypto';
import { Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { inject } from 'vitest';
import { COUNTERS_QUEUE, REACTIONS_QUEUE } from '@heyyo/contracts';
import { createLogger } from '@heyyo/logging';
import { closeSafely, createProducer, workerRunOptions } from '@heyyo/queue';
import { redisKeys } from '@heyyo/realtime';
import { describeJobQueue } from '../contracts/job-queue.contract.ts';
import { deleteKeys } from '../support/resources.ts';

const logger = createLogger({ level: 'silent', name: 'test' });

describeJobQueue(
  'BullMQ on Redis',
  async (settings) => {
    const keyPrefix = `${inject('runId')}:queue-contract-${randomBytes(4).toString('hex')}:`;
    const prefix = redisKeys(keyPrefix).bullPrefix;
    // One connection per node, as each node has its own; workers need maxRetriesPerRequest: null.
    const producerConnections = [new Redis(inject('redisUrl')), new Redis(inject('redisUrl'))];
    const workerConnection = new Redis(inject('redisUrl'), { maxRetriesPerRequest: null });
    const producers = producerConnections.map((redis) => createProducer(redis, { ...settings, prefix }, logger));
    const workers: Worker[] = [];
    return {
      producers,
      start(processors) {
        const options = { connection: workerConnection, prefix, ...workerRunOptions(settings) };
        workers.push(new Worker(REACTIONS_QUEUE, processors.reactions, options));
        workers.push(new Worker(COUNTERS_QUEUE, processors.counters, options));
        for (const worker of workers) worker.on('error', () => {});
      },
      async dispose() {
        try {
          // force: a job a failed test left blocked does not hold the close up.
          await Promise.all(
            workers.map((worker) => closeSafely({ waitUntilReady: () => worker.waitUntilReady(), close: () => worker.close(true) })),
          );
          await Promise.all(producers.map((producer) => producer.close()));
          await deleteKeys(producerConnections[0]!, keyPrefix);
        } finally {
          await Promise.all([...producerConnections, workerConnection].map((redis) => redis.quit()));
        }
      },
    };
  },
  { propertyRuns: 8 },
);
