import type { JobsOptions, WorkerOptions } from 'bullmq';

export interface JobSettings {
  attempts: number;
  backoffMs: number;
  keepFailed: number;
}

/** Retries with exponential backoff; failed jobs are kept for inspection, completed ones are not. */
export function defaultJobOptions(settings: JobSettings): JobsOptions {
  return {
    attempts: settings.attempts,
    backoff: { type: 'exponential', delay: settings.backoffMs },
    removeOnComplete: true,
    removeOnFail: settings.keepFailed === 0 ? true : { count: settings.keepFailed },
  };
}

export interface WorkerSettings {
  concurrency: number;
  lockMs: number;
}

/** How a worker runs jobs: `concurrency` at once, and a dead worker's jobs retried after its lock lapses. */
export function workerRunOptions(settings: WorkerSettings): Pick<WorkerOptions, 'concurrency' | 'lockDuration' | 'stalledInterval'> {
  return {
    concurrency: settings.concurrency,
    lockDuration: settings.lockMs,
    // Check for jobs whose worker died (lock expired) twice per lock period.
    stalledInterval: Math.max(500, Math.floor(settings.lockMs / 2)),
  };
}
