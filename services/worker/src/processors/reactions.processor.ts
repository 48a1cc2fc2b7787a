import type { JobRun, ReactionJob } from '@heyyo/contracts';
import type { EventPublisher, JobQueue } from '@heyyo/chat';
import { verifiedAppId, type Repositories } from '@heyyo/database';

export interface ReactionsProcessorDeps {
  repos: Pick<Repositories, 'reactions'>;
  publisher: EventPublisher;
  jobs: Pick<JobQueue, 'messageReactionsChanged'>;
}

/**
 * Applies a reaction change, then announces it. A retry of a job that already
 * applied its change (the worker died before announcing) announces again:
 * delivery is at least once, and clients key reactions by (message, user, type).
 */
export function createReactionsProcessor(deps: ReactionsProcessorDeps) {
  return async (job: JobRun<ReactionJob>): Promise<{ changed: boolean }> => {
    const { op, appId, channelId, messageId, userId, externalId, type, version } = job.data;
    const wanted = op === 'add';
    // The app id was verified by the node that enqueued the job.
    const result = await deps.repos.reactions.apply(verifiedAppId(appId), {
      messageId,
      userId,
      type,
      present: wanted,
      version,
    });
    const retriedAndApplied = job.attemptsMade > 0 && result.present === wanted;
    if (result.changed || retriedAndApplied) {
      await deps.jobs.messageReactionsChanged(messageId);
      const event = { messageId, channelId, userId, externalId, type };
      deps.publisher.toChannel(channelId, wanted ? 'reaction.new' : 'reaction.deleted', event);
    }
    return { changed: result.changed };
  };
}
