import type { CounterJob } from '@heyyo/contracts';
import type { Repositories } from '@heyyo/database';

/** The worker's side of the counters: message, member, unread and reaction counts. */
export function createCountersService(deps: { repos: Pick<Repositories, 'counters'> }) {
  const { counters } = deps.repos;
  return {
    /** Recounts from the rows: running a job twice, or late, changes nothing more. */
    async recount(job: CounterJob): Promise<void> {
      switch (job.kind) {
        case 'channel':
          await counters.recountChannel(job.channelId);
          return;
        case 'message-reactions':
          await counters.recountMessageReactions(job.messageId);
          return;
        case 'message-deleted':
          await counters.recountUnreadAround(job.channelId, job.seq);
          return;
      }
    },
  };
}

export type CountersService = ReturnType<typeof createCountersService>;
