import type { CounterJob, JobRun } from '@heyyo/contracts';
import type { ChatServices } from '@heyyo/chat';

/** The `counters` queue's processor: the domain recounts from the rows (idempotent). */
export function createCountersProcessor(deps: { services: Pick<ChatServices, 'counters'> }) {
  return (job: JobRun<CounterJob>): Promise<void> => deps.services.counters.recount(job.data);
}
