import type { EventPublisher } from '@heyyo/realtime';
import type { Actor } from './actor.ts';
import type { ChannelsService } from './channels.service.ts';

export type PresenceStatus = 'online' | 'offline';

export interface PresenceServiceDeps {
  channels: Pick<ChannelsService, 'memberChannelIds'>;
  publisher: EventPublisher;
}

/** Announcing presence transitions; gateways decide when one happens (presence store). */
export function createPresenceService(deps: PresenceServiceDeps) {
  const { channels, publisher } = deps;
  return {
    /**
     * `presence.changed` goes to the rooms of the user's channels: the people who can
     * see them. The channels are looked up when the caller does not know them (a sweep
     * finds users whose gateway died).
     */
    async announce(who: Pick<Actor, 'appId' | 'userId' | 'externalId'>, status: PresenceStatus, channelIds?: readonly string[]): Promise<void> {
      const rooms = channelIds ?? (await channels.memberChannelIds(who));
      publisher.toChannels(rooms, 'presence.changed', { userId: who.userId, externalId: who.externalId, status });
    },
  };
}

export type PresenceService = ReturnType<typeof createPresenceService>;
