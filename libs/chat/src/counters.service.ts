import type { CounterJob } from '@heyyo/contracts';
import type { Repositories } from '@heyyo/database';

/** The worker's side of the counters: reaction counts (the others need no worker). */
export function createCountersService(deps: { repos: Pick<Repositories, 'counters'> }) {
  const { counters } = deps.repos;
  return {
    /** Recounts from the rows: running a job twice, or late, changes nothing more. */
    async recount(job: CounterJob): Promise<void> {
      await counters.recountMessageReactions(job.messageId);
    },
  };
}

export type CountersService = ReturnType<typeof createCountersService>;
