export * from './errors.ts';
export type { Actor } from './actor.ts';
export type { PresenceReader } from './presence.ts';
export type { EventPublisher } from './events.ts';
export { nextVersion, type JobQueue } from './jobs.ts';
export { LruCache } from './lru-cache.ts';
export * from './presenters.ts';
export * from './message-content.ts';
export { createAuthService, type AuthService } from './auth.service.ts';
export { createAppsService, type AppsService } from './apps.service.ts';
export {
  createChannelsService,
  MAX_ROOMS_PER_CONNECTION,
  type ChannelsService,
  type ChannelInput,
} from './channels.service.ts';
export {
  createMessagesService,
  MAX_SYNC_PAGE,
  type MessagesService,
  type HistoryQuery,
  type SyncLimits,
} from './messages.service.ts';
export { createUsersService, type UsersService } from './users.service.ts';

import type { TokenService } from '@heyyo/auth';
import type { Repositories } from '@heyyo/database';
import { createAppsService } from './apps.service.ts';
import { createAuthService } from './auth.service.ts';
import { createChannelsService } from './channels.service.ts';
import type { EventPublisher } from './events.ts';
import type { JobQueue } from './jobs.ts';
import type { ContentLimits } from './message-content.ts';
import type { SyncLimits } from './messages.service.ts';
import { createMessagesService } from './messages.service.ts';
import type { PresenceReader } from './presence.ts';
import { createUsersService } from './users.service.ts';

export interface ChatServicesDeps {
  repos: Repositories;
  tokens: TokenService;
  presence: PresenceReader;
  publisher: EventPublisher;
  jobs: JobQueue;
  limits: ContentLimits & SyncLimits;
}

/** Every domain service, wired once per process. */
export function createChatServices(deps: ChatServicesDeps) {
  const channels = createChannelsService(deps);
  return {
    auth: createAuthService(deps),
    apps: createAppsService(deps),
    users: createUsersService(deps),
    channels,
    messages: createMessagesService({ ...deps, channels }),
  };
}

export type ChatServices = ReturnType<typeof createChatServices>;
