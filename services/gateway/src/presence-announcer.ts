import type { ChatServices, EventPublisher } from '@heyyo/chat';
import type { Logger } from '@heyyo/logging';
import type { PresenceIdentity } from '@heyyo/realtime';

export type Announce = (who: PresenceIdentity, status: 'online' | 'offline', channelIds?: readonly string[]) => Promise<void>;

/**
 * `presence.changed` goes to the rooms of the user's channels: the people who
 * can see them. The channels are looked up when the caller does not know them
 * (a sweep finds users whose gateway died).
 */
export function createPresenceAnnouncer(services: ChatServices, publisher: EventPublisher, logger: Logger): Announce {
  return async (who, status, channelIds) => {
    try {
      const rooms = channelIds ?? (await services.channels.memberChannelIds(who));
      publisher.toChannels(rooms, 'presence.changed', { userId: who.userId, externalId: who.externalId, status });
    } catch (error) {
      logger.warn({ err: error, userId: who.userId, status }, 'presence announcement failed');
    }
  };
}
