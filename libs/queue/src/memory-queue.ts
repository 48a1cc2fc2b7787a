import { COUNTERS_QUEUE, REACTIONS_QUEUE, WEBHOOKS_QUEUE, type CounterJob, type JobRun, type ReactionJob, type WebhookJob } from '@heyyo/contracts';
import type { Logger } from '@heyyo/logging';
import type { JobSettings } from './job-options.ts';
import type { QueueStats } from './metrics.ts';
import { coalescedJob, counterKey, recountRequests, webhookJobId, type WorkQueue } from './producer.ts';

/** The worker's processors, the same functions BullMQ workers run. */
export interface Processors {
  reactions(job: JobRun<ReactionJob>): Promise<unknown>;
  counters(job: JobRun<CounterJob>): Promise<unknown>;
  /** Webhook deliveries; without it they wait (a node whose worker runs no webhooks). */
  webhooks?(job: JobRun<WebhookJob>): Promise<unknown>;
}

export interface MemoryQueueOptions extends JobSettings {
  coalesceMs: number;
  /** Jobs run at once, per queue. */
  concurrency: number;
  /** Webhook deliveries sent at once. @defaultValue concurrency */
  webhookConcurrency?: number;
}

export interface MemoryQueue extends WorkQueue {
  /** Starts running jobs (the worker role); jobs added before wait. */
  start(processors: Processors): void;
}

interface Entry<T> extends JobRun<T> {
  id: string | undefined;
  /** When it became ready to run (ms), for the lag figure. */
  readyAt: number;
}

/**
 * One queue of the memory engine: BullMQ's rules in this process — a job id is kept
 * once while waiting (coalescing), failures retry with exponential backoff up to
 * `attempts` (an UnrecoverableError never), the last `keepFailed` failures are kept, `concurrency` run at once.
 */
function createLane<T>(name: string, options: MemoryQueueOptions, logger: Logger) {
  const waiting: Entry<T>[] = [];
  const timers = new Map<NodeJS.Timeout, Entry<T>>();
  const pendingIds = new Set<string>();
  const failed: Entry<T>[] = [];
  const idleWaiters: (() => void)[] = [];
  let active = 0;
  let processor: ((job: JobRun<T>) => Promise<unknown>) | undefined;

  const ready = (entry: Entry<T>) => {
    entry.readyAt = Date.now();
    waiting.push(entry);
    pump();
  };
  const later = (entry: Entry<T>, delayMs: number) => {
    const timer = setTimeout(() => {
      timers.delete(timer);
      ready(entry);
    }, delayMs);
    timers.set(timer, entry);
  };
  const busy = () => waiting.length + timers.size + active > 0;

  async function run(entry: Entry<T>): Promise<void> {
    // The id is free again once the job starts: a change from now on needs a new run.
    if (entry.id) pendingIds.delete(entry.id);
    try {
      await processor!(entry);
    } catch (error) {
      entry.attemptsMade++;
      // As BullMQ: an UnrecoverableError (by name, as BullMQ matches it) fails the job at once.
      const recoverable = !(error instanceof Error && error.name === 'UnrecoverableError');
      if (recoverable && entry.attemptsMade < options.attempts) {
        later(entry, options.backoffMs * 2 ** (entry.attemptsMade - 1));
      } else {
        logger.warn({ err: error, queue: name, attempts: entry.attemptsMade }, 'job failed');
        failed.push(entry);
        if (failed.length > options.keepFailed) failed.shift();
      }
    }
  }

  function pump(): void {
    while (processor && active < options.concurrency && waiting.length > 0) {
      active++;
      void run(waiting.shift()!).finally(() => {
        active--;
        pump();
        if (!busy()) idleWaiters.splice(0).forEach((resolve) => resolve());
      });
    }
  }

  return {
    add(data: T, job: { id?: string; delayMs?: number } = {}): void {
      if (job.id && pendingIds.has(job.id)) return;
      if (job.id) pendingIds.add(job.id);
      const entry: Entry<T> = { data, attemptsMade: 0, id: job.id, readyAt: Date.now() };
      if (job.delayMs) later(entry, job.delayMs);
      else ready(entry);
    },
    start(run: (job: JobRun<T>) => Promise<unknown>) {
      processor = run;
      pump();
    },
    stats(): QueueStats {
      const oldest = waiting[0];
      return {
        queue: name,
        waiting: waiting.length,
        delayed: timers.size,
        active,
        failed: failed.length,
        lagSeconds: oldest ? Math.max(0, (Date.now() - oldest.readyAt) / 1000) : 0,
      };
    },
    /** Drops the jobs not started (their work is kept elsewhere) and resolves once the running ones end. */
    async discard(): Promise<void> {
      for (const [timer, entry] of timers) {
        clearTimeout(timer);
        timers.delete(timer);
        if (entry.id) pendingIds.delete(entry.id);
      }
      for (const entry of waiting.splice(0)) if (entry.id) pendingIds.delete(entry.id);
      if (processor && busy()) await new Promise<void>((resolve) => idleWaiters.push(resolve));
    },
    /** Runs what waits for a timer now, and resolves once nothing is left. */
    async drain(): Promise<void> {
      for (const [timer, entry] of timers) {
        clearTimeout(timer);
        timers.delete(timer);
        ready(entry);
      }
      if (processor && busy()) await new Promise<void>((resolve) => idleWaiters.push(resolve));
    },
  };
}

/**
 * The job queue of the memory engine (one node, no Redis): the JobQueue the domain
 * enqueues to, run in this process by the same processors as the BullMQ worker, with
 * the same coalescing windows, retries and idempotency. Jobs live in memory: a graceful
 * stop runs every queued job first; a crash loses the queued ones (reaction counts are then
 * repaired by `npm run reconcile`, unapplied reactions are lost).
 */
export function createMemoryQueue(options: MemoryQueueOptions, logger: Logger): MemoryQueue {
  const reactions = createLane<ReactionJob>(REACTIONS_QUEUE, options, logger);
  const counters = createLane<CounterJob>(COUNTERS_QUEUE, options, logger);
  // Tried once: Postgres keeps a delivery's retries (see WorkQueue.webhookDelivery).
  const webhooks = createLane<WebhookJob>(
    WEBHOOKS_QUEUE,
    { ...options, attempts: 1, concurrency: options.webhookConcurrency ?? options.concurrency },
    logger,
  );
  // Closing stops new reactions and deliveries first; recounts until the reactions drained (they enqueue some).
  let acceptingJobs = true;
  let acceptingRecounts = true;

  const recount = async (job: CounterJob) => {
    if (!acceptingRecounts) return;
    const { jobId, delay } = coalescedJob(counterKey(job), options.coalesceMs);
    counters.add(job, { ...(jobId ? { id: jobId } : {}), delayMs: delay });
  };

  return {
    async reaction(job) {
      if (!acceptingJobs) throw new Error('the job queue is closed');
      reactions.add(job);
    },
    ...recountRequests(recount),
    async webhookDelivery(job) {
      if (!acceptingJobs) throw new Error('the job queue is closed');
      webhooks.add(job, { id: webhookJobId(job) });
    },
    start(processors) {
      reactions.start(processors.reactions);
      counters.start(processors.counters);
      if (processors.webhooks) webhooks.start(processors.webhooks);
    },
    async stats() {
      return [reactions.stats(), counters.stats(), webhooks.stats()];
    },
    // An in-process add cannot fail.
    enqueueFailures: () => 0,
    async close() {
      acceptingJobs = false;
      // Deliveries not started stay pending in Postgres (handed out again after the restart).
      await webhooks.discard();
      // Reactions first: applying them enqueues the reaction recounts that follow.
      await reactions.drain();
      await counters.drain();
      acceptingRecounts = false;
    },
  };
}
