import type { JobRun, ReactionJob } from '@heyyo/contracts';
import { verifiedAppId, type Repositories } from '@heyyo/database';
import type { JobQueue } from '@heyyo/queue';
import type { EventPublisher } from '@heyyo/realtime';

export interface ReactionsServiceDeps {
  repos: Pick<Repositories, 'reactions'>;
  publisher: EventPublisher;
  jobs: Pick<JobQueue, 'messageReactionsChanged'>;
}

/** The worker's side of reactions: applying the changes the API and gateways queued. */
export function createReactionsService(deps: ReactionsServiceDeps) {
  const { repos, publisher, jobs } = deps;
  return {
    /**
     * Applies a queued reaction change, then announces it and asks for a recount of the
     * message. A retry of a job that already applied its change (the worker died before
     * announcing) announces again: delivery is at least once, and clients key reactions
     * by (message, user, type). An older change never overwrites a newer one (`version`).
     */
    async applyReaction(job: JobRun<ReactionJob>): Promise<{ changed: boolean }> {
      const { op, appId, channelId, messageId, userId, externalId, type, version } = job.data;
      const wanted = op === 'add';
      const name = wanted ? 'reaction.new' : 'reaction.deleted';
      const payload = { messageId, channelId, userId, externalId, type };
      const logged = { event: name, payload, messageId };
      // The app id was verified by the node that enqueued the job.
      const result = await repos.reactions.apply(verifiedAppId(appId), { messageId, userId, type, present: wanted, version }, logged);
      const retriedAndApplied = job.attemptsMade > 0 && result.present === wanted;
      if (result.changed || retriedAndApplied) {
        await jobs.messageReactionsChanged(messageId);
        const changeVersion = result.version ?? (await repos.reactions.loggedVersion(channelId, logged));
        // Not logged: the message (and with it the channel) is gone; nobody will catch it up.
        if (changeVersion !== undefined) publisher.toChannel(channelId, name, { ...payload, version: changeVersion });
      }
      return { changed: result.changed };
    },
  };
}

export type ReactionsService = ReturnType<typeof createReactionsService>;
