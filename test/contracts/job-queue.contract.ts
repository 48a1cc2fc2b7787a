/**
 * The job queue contract, once, for both engines: BullMQ on Redis as the Redis engine
 * runs it (createProducer's job options, Workers configured as worker.ts does;
 * test/integration/job-queue-contract.test.ts) and the memory engine's queue, which
 * re-implements those rules in this process (libs/queue/src/memory-queue.test.ts).
 *
 * The rules: a recount's job id (its key and coalescing window) is kept once while it
 * waits, and the job runs after its window; a failing job is retried with exponential
 * backoff up to `attempts`, without holding up the others; an UnrecoverableError is
 * not retried; the last `keepFailed` failed jobs are kept; `concurrency` jobs run at
 * once per queue; jobs wait for the worker, and jobs a running job enqueues run too.
 *
 * Real timers (BullMQ's delays are Redis-side): windows and backoffs are short, every
 * wait polls with a deadline, and time-sensitive checks leave room for a loaded machine.
 *
 * Not a *.test.ts file: vitest runs it only through a runner.
 */
import { UnrecoverableError } from 'bullmq';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import type { CounterJob, JobRun, ReactionJob } from '@heyyo/contracts';
import { counterKey, isIdle, type Processors, type QueueStats, type WorkQueue } from '@heyyo/queue';
import { eventually } from '../support/eventually.ts';

/** The jobs settings of config.jobs (HEYYO_COUNTER_COALESCE_MS, HEYYO_JOB_ATTEMPTS, …). */
export interface JobQueueSettings {
  coalesceMs: number;
  concurrency: number;
  attempts: number;
  backoffMs: number;
  keepFailed: number;
  lockMs: number;
}

export interface QueueUnderTest {
  /**
   * The JobQueue as each producing node sees it, all on the same queues: the memory
   * engine has one (one process); the Redis engine two, as two API nodes.
   */
  producers: WorkQueue[];
  /** Starts running jobs with these processors: the worker role. */
  start(processors: Processors): void;
  /** Stops it and removes what it created (whatever a failed test left running). */
  dispose(): Promise<void>;
}

export type MakeQueue = (settings: JobQueueSettings) => Promise<QueueUnderTest>;

export interface JobQueueContractOptions {
  /** Runs of the coalescing property (each waits one window). @defaultValue 8 */
  propertyRuns?: number;
}

const SETTINGS: JobQueueSettings = { coalesceMs: 0, concurrency: 2, attempts: 3, backoffMs: 20, keepFailed: 10, lockMs: 2000 };
/** A reaction job that differs only by `type`. */
export const reaction = (type: string): ReactionJob => ({
  op: 'add',
  appId: 'a0000000-0000-4000-8000-000000000000',
  channelId: 'c',
  messageId: 'm',
  userId: 'u',
  externalId: 'e',
  type,
  version: 1,
});
const idle: Processors = { reactions: async () => {}, counters: async () => {} };

/** A promise and its resolve: a job that waits until the test lets it go. */
function gate() {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { opened, open };
}

const stats = async (queue: QueueUnderTest, name: 'reactions' | 'counters'): Promise<QueueStats> =>
  (await queue.producers[0]!.stats()).find((entry) => entry.queue === name)!;

const settled = (queue: QueueUnderTest) => eventually(async () => isIdle(await queue.producers[0]!.stats()), 'idle queues');

/** The coalescing window (coalescedJob's) that `at` falls in. */
const windowOf = (at: number, coalesceMs: number) => Math.floor(at / coalesceMs);

/** When `window` closes, less the millisecond a Node timer may fire early against Date.now(). */
const windowEnd = (window: number, coalesceMs: number) => (window + 1) * coalesceMs - 2;

/**
 * Runs `burst` from just after a coalescing window began. @returns that window, or
 * undefined when the burst outlasted it (then its requests fell into two windows).
 */
async function tryInOneWindow(coalesceMs: number, burst: () => Promise<void>): Promise<number | undefined> {
  await new Promise((resolve) => setTimeout(resolve, coalesceMs - (Date.now() % coalesceMs) + 1));
  const window = windowOf(Date.now(), coalesceMs);
  await burst();
  return windowOf(Date.now(), coalesceMs) === window ? window : undefined;
}

async function inOneWindow(coalesceMs: number, burst: () => Promise<void>): Promise<number> {
  const window = await tryInOneWindow(coalesceMs, burst);
  if (window === undefined) throw new Error(`the requests took longer than one ${coalesceMs} ms window`);
  return window;
}

export function describeJobQueue(name: string, makeQueue: MakeQueue, options: JobQueueContractOptions = {}): void {
  describe(`the job queue contract: ${name}`, () => {
    const made: QueueUnderTest[] = [];
    const queueWith = async (settings: Partial<JobQueueSettings> = {}) => {
      const queue = await makeQueue({ ...SETTINGS, ...settings });
      made.push(queue);
      return queue;
    };
    afterEach(async () => {
      await Promise.all(made.splice(0).map((queue) => queue.dispose()));
    });

    it('keeps jobs added before the worker starts waiting, and runs them once it starts', async () => {
      const queue = await queueWith();
      const runs: string[] = [];
      await queue.producers[0]!.reaction(reaction('before-start'));
      await queue.producers[0]!.messageReactionsChanged('m-1');
      expect(await stats(queue, 'reactions')).toMatchObject({ waiting: 1, active: 0 });
      expect(await stats(queue, 'counters')).toMatchObject({ waiting: 1, active: 0 });
      queue.start({
        reactions: async (job) => void runs.push(job.data.type),
        counters: async (job) => void runs.push(job.data.kind),
      });
      await eventually(() => runs.length === 2, 'both jobs to run');
      await settled(queue);
      expect(runs.sort()).toEqual(['before-start', 'message-reactions']);
    });

    it('coalesces the recounts of one key within a window, from every producer, into one run after the window', async () => {
      const coalesceMs = 300;
      const queue = await queueWith({ coalesceMs });
      const runs: { job: CounterJob; at: number }[] = [];
      queue.start({ ...idle, counters: async (job) => void runs.push({ job: job.data, at: Date.now() }) });

      const window = await inOneWindow(coalesceMs, async () => {
        for (const producer of queue.producers) for (let i = 0; i < 10; i++) await producer.messageReactionsChanged('m-1');
        await queue.producers.at(-1)!.messageReactionsChanged('m-2');
      });
      const counters = await stats(queue, 'counters');
      // Seen before the window closed (it practically always is: the requests take milliseconds), nothing ran yet.
      if (Date.now() < (window + 1) * coalesceMs) {
        expect(runs).toEqual([]);
        expect(counters).toMatchObject({ delayed: 2, waiting: 0, active: 0 });
      }

      await eventually(() => runs.length >= 2, 'two recounts');
      await settled(queue);
      expect(runs.map((run) => run.job)).toEqual(
        expect.arrayContaining([
          { kind: 'message-reactions', messageId: 'm-1' },
          { kind: 'message-reactions', messageId: 'm-2' },
        ]),
      );
      expect(runs).toHaveLength(2);
      // Each run starts once its window has closed: it sees every change of the window.
      for (const run of runs) expect(run.at).toBeGreaterThanOrEqual(windowEnd(window, coalesceMs));
    });

    it('gives a recount requested while its key is being recounted a run of its own', async () => {
      const coalesceMs = 100;
      const queue = await queueWith({ coalesceMs });
      const release = gate();
      let runs = 0;
      queue.start({
        ...idle,
        counters: async () => {
          runs++;
          if (runs === 1) await release.opened;
        },
      });
      try {
        await queue.producers[0]!.messageReactionsChanged('m-1');
        await eventually(() => runs === 1, 'the first recount to start');
        await queue.producers[0]!.messageReactionsChanged('m-1');
      } finally {
        release.open();
      }
      await eventually(() => runs === 2, 'the second recount');
      await settled(queue);
      expect(runs).toBe(2);
    });

    it('runs the jobs that a running job enqueues', async () => {
      const queue = await queueWith({ coalesceMs: 50 });
      const recounted: string[] = [];
      queue.start({
        reactions: async (job) => {
          await queue.producers[0]!.messageReactionsChanged(`m-${job.data.type}`);
        },
        counters: async (job) => {
          if (job.data.kind === 'message-reactions') recounted.push(job.data.messageId);
        },
      });
      await queue.producers[0]!.reaction(reaction('a'));
      await queue.producers[0]!.reaction(reaction('b'));
      await eventually(() => recounted.length === 2, 'the recounts the reactions enqueued');
      await settled(queue);
      expect(recounted.sort()).toEqual(['m-a', 'm-b']);
    });

    it('retries a failing job until it succeeds or has made `attempts` attempts, then keeps it as failed', async () => {
      const queue = await queueWith({ attempts: 3 });
      const attempts: Record<string, number[]> = {};
      queue.start({
        ...idle,
        reactions: async (job: JobRun<ReactionJob>) => {
          (attempts[job.data.type] ??= []).push(job.attemptsMade);
          if (job.data.type === 'never' || job.attemptsMade < 1) throw new Error('flaky');
        },
      });
      await queue.producers[0]!.reaction(reaction('once'));
      await queue.producers[0]!.reaction(reaction('never'));
      await eventually(() => attempts.once?.length === 2 && attempts.never?.length === 3, 'every attempt');
      await eventually(async () => (await stats(queue, 'reactions')).failed === 1, 'the failed job to be kept');
      await settled(queue);
      expect(attempts).toEqual({ once: [0, 1], never: [0, 1, 2] });
      expect(await stats(queue, 'reactions')).toMatchObject({ waiting: 0, delayed: 0, active: 0, failed: 1 });
    });

    it('waits backoffMs × 2^(n-1) before retry n (exponential backoff)', { timeout: 20_000 }, async () => {
      const backoffMs = 200;
      const queue = await queueWith({ attempts: 4, backoffMs });
      const startedAt: number[] = [];
      queue.start({
        ...idle,
        reactions: async () => {
          startedAt.push(Date.now());
          throw new Error('always');
        },
      });
      await queue.producers[0]!.reaction(reaction('failing'));
      await eventually(() => startedAt.length === 4, 'four attempts');
      const gaps = startedAt.slice(1).map((at, index) => at - startedAt[index]!);
      // Each wait at least its backoff (less the millisecond a timer may fire early): 200, 400, 800 ms;
      // neither a fixed (200, 200, 200) nor a linear one (200, 400, 600) passes.
      gaps.forEach((gap, index) => {
        expect(gap, `wait before retry ${index + 1}`).toBeGreaterThanOrEqual(backoffMs * 2 ** index - 2);
      });
      // Together well under one that doubles once too often (400 + 800 + 1600 ms = 14 × backoffMs),
      // with room for a loaded machine's lateness (1400 ms expected).
      expect(gaps.reduce((sum, gap) => sum + gap, 0), 'the three waits').toBeLessThan(10 * backoffMs);
      await eventually(async () => (await stats(queue, 'reactions')).failed === 1, 'the job to fail for good');
    });

    it('does not hold up the other jobs while a failed one waits for its retry', async () => {
      const queue = await queueWith({ concurrency: 1, attempts: 2, backoffMs: 1000 });
      const order: string[] = [];
      queue.start({
        ...idle,
        reactions: async (job) => {
          order.push(`${job.data.type}#${job.attemptsMade}`);
          if (job.data.type === 'flaky' && job.attemptsMade === 0) throw new Error('first try fails');
        },
      });
      await queue.producers[0]!.reaction(reaction('flaky'));
      await eventually(() => order.length === 1, 'the first attempt');
      await eventually(async () => (await stats(queue, 'reactions')).delayed === 1, 'the retry to wait');
      await queue.producers[0]!.reaction(reaction('next'));
      await eventually(() => order.length === 3, 'both jobs');
      expect(order).toEqual(['flaky#0', 'next#0', 'flaky#1']);
      await settled(queue);
    });

    it('fails a job that throws UnrecoverableError at once, without retrying it', async () => {
      const queue = await queueWith({ attempts: 3 });
      const attempts: number[] = [];
      queue.start({
        ...idle,
        reactions: async (job) => {
          attempts.push(job.attemptsMade);
          throw new UnrecoverableError('cannot ever succeed');
        },
      });
      await queue.producers[0]!.reaction(reaction('doomed'));
      await eventually(async () => (await stats(queue, 'reactions')).failed === 1, 'the job to fail', 5000);
      await settled(queue);
      expect(attempts).toEqual([0]);
    });

    it('keeps the last `keepFailed` failed jobs, and none with keepFailed 0', async () => {
      const keeping = await queueWith({ attempts: 1, keepFailed: 2 });
      const keepingNone = await queueWith({ attempts: 1, keepFailed: 0 });
      let failures = 0;
      const failing: Processors = {
        ...idle,
        reactions: async () => {
          failures++;
          throw new Error('fails');
        },
      };
      keeping.start(failing);
      keepingNone.start(failing);
      for (const queue of [keeping, keepingNone]) {
        for (const type of ['1', '2', '3']) await queue.producers[0]!.reaction(reaction(type));
      }
      await eventually(() => failures === 6, 'six failures (attempts 1: no retry)');
      await settled(keeping);
      await settled(keepingNone);
      expect(failures).toBe(6);
      expect(await stats(keeping, 'reactions')).toMatchObject({ failed: 2 });
      expect(await stats(keepingNone, 'reactions')).toMatchObject({ failed: 0 });
    });

    it('runs at most `concurrency` jobs of a queue at once, each queue on its own', async () => {
      const queue = await queueWith({ concurrency: 2 });
      const release = gate();
      let running = 0;
      let most = 0;
      let recounts = 0;
      queue.start({
        reactions: async () => {
          running++;
          most = Math.max(most, running);
          await release.opened;
          running--;
        },
        counters: async () => void recounts++,
      });
      try {
        for (const type of ['1', '2', '3', '4']) await queue.producers[0]!.reaction(reaction(type));
        await eventually(() => running === 2, 'two jobs running');
        expect(await eventually(async () => {
          const reactions = await stats(queue, 'reactions');
          return reactions.active === 2 && reactions.waiting === 2 && reactions;
        }, 'two active and two waiting')).toMatchObject({ active: 2, waiting: 2 });
        // The counters queue is not held up by the busy reactions queue.
        await queue.producers[0]!.messageReactionsChanged('m-1');
        await eventually(() => recounts === 1, 'the recount to run beside the busy reactions');
        expect(running).toBe(2);
      } finally {
        release.open();
      }
      await settled(queue);
      expect(most).toBe(2);
    });

    /*
     * Any burst of recount requests, of any keys, from any producers, within one
     * window: one run per key (per window the burst touched), each after its window.
     */
    it('runs each key of any burst of recount requests once, after its window (property)', { timeout: 60_000 }, async () => {
      const coalesceMs = 150;
      const queue = await queueWith({ coalesceMs });
      let runs: { job: CounterJob; at: number }[] = [];
      queue.start({ ...idle, counters: async (job) => void runs.push({ job: job.data, at: Date.now() }) });
      let round = 0;

      const requestArb = fc.record({
        producer: fc.nat({ max: queue.producers.length - 1 }),
        id: fc.constantFrom('x', 'y', 'z'),
      });
      await fc.assert(
        fc.asyncProperty(fc.array(requestArb, { minLength: 1, maxLength: 25 }), async (requests) => {
          const tag = `r${round++}`;
          runs = [];
          const keys = new Set<string>();
          const window = await tryInOneWindow(coalesceMs, async () => {
            for (const request of requests) {
              const producer = queue.producers[request.producer]!;
              const id = `${tag}-${request.id}`;
              await producer.messageReactionsChanged(id);
              keys.add(counterKey({ kind: 'message-reactions', messageId: id }));
            }
          });
          if (window === undefined) {
            // The burst outlasted its window (a loaded machine): not this property's case.
            await settled(queue);
            fc.pre(false);
            return;
          }
          await eventually(() => runs.length >= keys.size, `${keys.size} recounts`);
          await settled(queue);
          expect(runs).toHaveLength(keys.size);
          expect(new Set(runs.map((run) => counterKey(run.job)))).toEqual(keys);
          for (const run of runs) expect(run.at).toBeGreaterThanOrEqual(windowEnd(window, coalesceMs));
        }),
        { numRuns: options.propertyRuns ?? 8 },
      );
    });
  });
}
