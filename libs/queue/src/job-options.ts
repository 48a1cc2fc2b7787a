import type { JobsOptions } from 'bullmq';

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
