import { describe, expect, it } from 'vitest';
import type { CounterJob, JobRun, ReactionJob } from '@heyyo/contracts';
import { createLogger } from '@heyyo/logging';
import { createMemoryQueue } from './memory-queue.ts';

const logger = createLogger({ level: 'silent', name: 'test' });
const settings = { attempts: 3, backoffMs: 5, keepFailed: 10, coalesceMs: 30, concurrency: 2 };
const reaction = (type: string): ReactionJob =>
  ({ op: 'add', appId: 'a', channelId: 'c', messageId: 'm', userId: 'u', externalId: 'e', type, version: 1 }) as ReactionJob;

describe('the memory engine job queue', () => {
  it('coalesces the recounts of one key within a window into one run, after the window', async () => {
    const queue = createMemoryQueue(settings, logger);
    const runs: CounterJob[] = [];
    queue.start({ reactions: async () => {}, counters: async (job) => void runs.push(job.data) });
    for (let i = 0; i < 20; i++) await queue.channelChanged('ch-1');
    await queue.channelChanged('ch-2');
    expect(runs).toEqual([]);
    expect((await queue.stats())[1]).toMatchObject({ queue: 'counters', delayed: 2 });
    await new Promise((resolve) => setTimeout(resolve, 80));
    expect(runs).toHaveLength(2);
    expect(runs).toEqual(expect.arrayContaining([{ kind: 'channel', channelId: 'ch-1' }, { kind: 'channel', channelId: 'ch-2' }]));
  });

  it('retries a failing job with backoff, and keeps it as failed after its attempts', async () => {
    const queue = createMemoryQueue(settings, logger);
    const attempts: Record<string, number[]> = {};
    queue.start({
      reactions: async (job: JobRun<ReactionJob>) => {
        (attempts[job.data.type] ??= []).push(job.attemptsMade);
        if (job.data.type === 'never' || job.attemptsMade < 1) throw new Error('flaky');
      },
      counters: async () => {},
    });
    await queue.reaction(reaction('once'));
    await queue.reaction(reaction('never'));
    await queue.close();
    expect(attempts).toEqual({ once: [0, 1], never: [0, 1, 2] });
    expect((await queue.stats())[0]).toMatchObject({ queue: 'reactions', waiting: 0, delayed: 0, active: 0, failed: 1 });
  });

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
});
