export * from './errors.ts';
export { errorResponse, UNAVAILABLE_RETRY_AFTER_SECONDS, type ErrorLog, type ErrorResponse } from './error-response.ts';
export { isDependencyUnavailable } from './unavailable.ts';
export { createWorkGate, type WorkGate } from './work-gate.ts';
export {
  authenticateUser,
  clientAddress,
  createCredentialLimiter,
  type CredentialLimiter,
  type CredentialLimiterOptions,
  type CredentialLimitSettings,
} from './credential-limiter.ts';
export { isServerActor, serverActor, SERVER_ACTOR_ID, type Actor } from './actor.ts';
// The ports the domain uses, declared beside their implementations (lower layers).
export type { EventPublisher, PresenceReader } from '@heyyo/realtime';
export type { JobQueue } from '@heyyo/queue';
export { nextVersion } from './jobs.ts';
export * from './presenters.ts';
export * from './message-content.ts';
export { createAuthService, type AuthService, type Session } from './auth.service.ts';
export { createAppsService, type AppsService } from './apps.service.ts';
export {
  createChannelsService,
  MAX_ROOMS_PER_CONNECTION,
  type ChannelsService,
  type ChannelInput,
} from './channels.service.ts';
export {
  createMessagesService,
  type MessagesService,
  type HistoryPage,
  type SyncLimits,
} from './messages.service.ts';
export { createHistoryCache, type HistoryCache, type HistoryCacheOutcome } from './history-cache.ts';
export { createUsersService, ERASURE_BATCH, type UsersService } from './users.service.ts';
export { EXPORT_PAGE_ROWS } from './user-export.ts';
export { createModerationService, type ModerationService, type RestrictionInput } from './moderation.service.ts';
export { createReactionsService, type ReactionsService, type ReactionsServiceDeps } from './reactions.service.ts';
export { createCountersService, type CountersService } from './counters.service.ts';
export { createWebhooksService, type WebhooksService } from './webhooks.service.ts';
export { createWebhookDelivery, retryDelayMs, type WebhookDelivery, type WebhookSettings } from './webhook-delivery.ts';
export { postWebhook, DEFAULT_WEBHOOK_TIMEOUT_MS, RESPONSE_BODY_BYTES, type WebhookPost, type WebhookAnswer } from './webhook-sender.ts';
export { addressRefusal, urlRefusal, guardedLookup, type Resolver } from './webhook-address.ts';
export { webhookSignature, newWebhookSecret } from './webhook-signature.ts';
export { createPresenceService, type PresenceService, type PresenceStatus } from './presence.service.ts';
export {
  createDemoService,
  prepareDemoSpace,
  DEMO_APP_KEY,
  DEMO_APP_NAME,
  DEMO_CHANNEL_NAME,
  type DemoService,
  type DemoSpace,
} from './demo.service.ts';

import type { TokenService } from '@heyyo/auth';
import type { Logger } from '@heyyo/logging';
import type { Repositories } from '@heyyo/database';
import type { JobQueue } from '@heyyo/queue';
import type { EventPublisher, InvalidationBus, PresenceReader, SlowMode } from '@heyyo/realtime';
import { createAppsService } from './apps.service.ts';
import { createAuthService } from './auth.service.ts';
import { createChannelsService } from './channels.service.ts';
import { createCountersService } from './counters.service.ts';
import { createDemoService } from './demo.service.ts';
import type { ContentLimits } from './message-content.ts';
import type { SyncLimits } from './messages.service.ts';
import { createHistoryCache, type HistoryCacheOptions } from './history-cache.ts';
import { createMessagesService } from './messages.service.ts';
import { createModerationService } from './moderation.service.ts';
import { createPresenceService } from './presence.service.ts';
import { createReactionsService } from './reactions.service.ts';
import { createUsersService } from './users.service.ts';
import { createWebhookDelivery, type WebhookSettings } from './webhook-delivery.ts';
import { createWebhooksService } from './webhooks.service.ts';

export interface ChatServicesDeps {
  repos: Repositories;
  tokens: TokenService;
  presence: PresenceReader;
  publisher: EventPublisher;
  jobs: JobQueue;
  invalidations: InvalidationBus;
  /** Slow mode's turns, shared by every node (moderation). */
  slowMode: SlowMode;
  limits: ContentLimits & SyncLimits;
  /** Seconds from a send reaching the service to its message.new being published (metrics). */
  observeMessageEmit?: (seconds: number) => void;
  /** Rendered history pages kept in memory, in characters of JSON (0: none), and their lookups. */
  historyCache: HistoryCacheOptions;
  /** Webhook endpoints' limits and deliveries' timing (config.webhooks). */
  webhooks: WebhookSettings;
  /** Where the worker's webhook deliveries say what failed. */
  logger?: Logger;
}

/** Every domain service, wired once per process. */
export function createChatServices(deps: ChatServicesDeps) {
  const channels = createChannelsService(deps);
  const auth = createAuthService(deps);
  return {
    auth,
    apps: createAppsService(deps),
    users: createUsersService({ ...deps, channels }),
    channels,
    moderation: createModerationService({ ...deps, channels }),
    messages: createMessagesService({ ...deps, channels, historyCache: createHistoryCache(deps.historyCache) }),
    presence: createPresenceService({ ...deps, channels }),
    /** The worker's: applying queued reaction changes. */
    reactions: createReactionsService(deps),
    /** The worker's: recounting counters. */
    counters: createCountersService(deps),
    /** Tenants' webhook endpoints and their deliveries (server API). */
    webhooks: createWebhooksService(deps),
    /** The worker's: relaying and sending webhook deliveries. */
    webhookDelivery: createWebhookDelivery({ ...deps, ...(deps.logger ? { logger: deps.logger.child({ component: 'webhooks' }) } : {}) }),
    /** The demo page's sessions, on development nodes only. */
    demo: createDemoService({ ...deps, auth, channels }),
  };
}

export type ChatServices = ReturnType<typeof createChatServices>;
