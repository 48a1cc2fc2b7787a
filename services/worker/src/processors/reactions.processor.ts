import type { JobRun, ReactionJob } from '@heyyo/contracts';
import type { ChatServices } from '@heyyo/chat';

/** The `reactions` queue's processor: the domain applies and announces the change. */
export function createReactionsProcessor(deps: { services: Pick<ChatServices, 'reactions'> }) {
  return (job: JobRun<ReactionJob>): Promise<{ changed: boolean }> => deps.services.reactions.applyReaction(job);
}
