import type { ChatServices, PresenceStatus } from '@heyyo/chat';
import type { Logger } from '@heyyo/logging';
import type { PresenceIdentity } from '@heyyo/realtime';

export type Announce = (who: PresenceIdentity, status: PresenceStatus, channelIds?: readonly string[]) => Promise<void>;

/**
 * Announces a presence transition through the domain (`presence.changed` to the rooms of
 * the user's channels). Never throws: a failed announcement is logged, and the presence
 * itself is already recorded.
 */
export function createPresenceAnnouncer(services: Pick<ChatServices, 'presence'>, logger: Logger): Announce {
  return async (who, status, channelIds) => {
    try {
      await services.presence.announce(who, status, channelIds);
    } catch (error) {
      logger.warn({ err: error, userId: who.userId, status }, 'presence announcement failed');
    }
  };
}
