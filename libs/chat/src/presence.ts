import type { AppId } from '@heyyo/database';

/** Answers "who has a live connection", for `is_online` in channel details. */
export interface PresenceReader {
  onlineUserIds(appId: AppId, userIds: readonly string[]): Promise<Set<string>>;
}
