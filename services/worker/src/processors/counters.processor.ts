import type { JobRun, CounterJob } from '@heyyo/contracts';
import type { Repositories } from '@heyyo/database';

/** Recounts from the rows: running a job twice, or late, changes nothing more. */
export function createCountersProcessor(deps: { repos: Pick<Repositories, 'counters'> }) {
  const { counters } = deps.repos;
  return async (job: JobRun<CounterJob>): Promise<void> => {
    const data = job.data;
    switch (data.kind) {
      case 'channel':
        await counters.recountChannel(data.channelId);
        return;
      case 'message-reactions':
        await counters.recountMessageReactions(data.messageId);
        return;
      case 'message-deleted':
        await counters.recountUnreadAround(data.channelId, data.seq);
        return;
    }
  };
}
