import type { AppId } from '@heyyo/database';

/**
 * Answers "who has a live connection", for `is_online` in channel details. Declared here,
 * beside the presence stores that implement it; @heyyo/chat reads presence through it.
 */
export interface PresenceReader {
  onlineUserIds(appId: AppId, userIds: readonly string[]): Promise<Set<string>>;
}
