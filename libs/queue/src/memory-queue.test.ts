/**
 * The memory engine's job queue against the job queue contract (BullMQ runs the same
 * contract in test/integration/job-queue-contract.test.ts), and what only it does: close
 * runs what is queued.
 */
import { describe, expect, it, vi } from 'vitest';
import { createLogger } from '@heyyo/logging';
import { describeJobQueue, reaction } from '../../../test/contracts/job-queue.contract.ts';
import { createMemoryQueue } from './memory-queue.ts';

const logger = createLogger({ level: 'silent', name: 'test' });

describeJobQueue(
  'memory',
  async (settings) => {
    const queue = createMemoryQueue(settings, logger);
    return { producers: [queue], start: (processors) => queue.start(processors), dispose: () => queue.close() };
  },
  { propertyRuns: 10 },
);

describe('the memory engine job queue (what BullMQ does not do)', () => {
  const settings = { attempts: 3, backoffMs: 5, keepFailed: 10, coalesceMs: 30, concurrency: 2 };

  it('runs every queued job, delayed ones included, before close resolves, then refuses reactions', async () => {
    const queue = createMemoryQueue({ ...settings, coalesceMs: 60_000 }, logger);
    const runs: string[] = [];
    await queue.reaction(reaction('before-start'));
    await queue.messageReactionsChanged('m1');
    queue.start({
      reactions: async (job) => {
        runs.push(job.data.type);
        await queue.messageReactionsChanged('m2');
      },
      counters: async (job) => void runs.push(job.data.kind === 'message-reactions' ? job.data.messageId : job.data.kind),
    });
    await queue.close();
    expect(runs).toEqual(expect.arrayContaining(['before-start', 'm1', 'm2']));
    await expect(queue.reaction(reaction('late'))).rejects.toThrow('closed');
  });

  it('runs the retries that wait for their backoff before close resolves', async () => {
    const queue = createMemoryQueue({ ...settings, backoffMs: 60_000 }, logger);
    const attempts: number[] = [];
    queue.start({
      reactions: async (job) => {
        attempts.push(job.attemptsMade);
        if (job.attemptsMade === 0) throw new Error('first try fails');
      },
      counters: async () => {},
    });
    await queue.reaction(reaction('flaky'));
    await vi.waitFor(async () => expect((await queue.stats())[0]).toMatchObject({ delayed: 1 }));
    await queue.close();
    expect(attempts).toEqual([0, 1]);
  });
});
