export { createDb, pingDatabase, type Database, type DatabaseHandle, type DatabaseOptions } from './client.ts';
export { createDatabaseIfMissing, postgresAnswers, runMigrations } from './provision.ts';
export { verifiedAppId, isUuid, type AppId } from './tenant.ts';
export type * from './records.ts';
export { createAppsRepository, type AppsRepository } from './repositories/apps.repository.ts';
export {
  createUsersRepository,
  type UsersRepository,
  type UserProfile,
  type UserChanges,
  type TokenStanding,
} from './repositories/users.repository.ts';
export {
  createChannelsRepository,
  type ChannelsRepository,
  type NewChannel,
  type Page,
  type ChannelAccess,
  type HistoryAccess,
  type ChannelChanges,
  type AppChannelFilter,
} from './repositories/channels.repository.ts';
export {
  createModerationRepository,
  type ModerationRepository,
  type NewRestriction,
  type RestrictionKind,
  type RestrictionRecord,
} from './repositories/moderation.repository.ts';
export {
  createMessagesRepository,
  type MessagesRepository,
  type NewMessage,
  type HistoryPage,
  type RenderedPage,
  type RepliesPage,
  type CountedJsonPage,
  type CatchUpPage,
  type ChangeRecord,
} from './repositories/messages.repository.ts';
export { CHANGE_LOG_VERSIONS, type ChannelEventEntry } from './repositories/channel-changes.ts';
export {
  createReactionsRepository,
  type ReactionsRepository,
  type ReactionChange,
} from './repositories/reactions.repository.ts';
export { createCountersRepository, type CountersRepository, type Drift } from './repositories/counters.repository.ts';
export {
  createDemoRepository,
  type DemoRepository,
  type DemoSpaceRecord,
  type DemoSpaceSpec,
} from './repositories/demo.repository.ts';
export {
  createUserDataRepository,
  type UserDataRepository,
  type ExportedMembershipRecord,
  type ExportedMessageRecord,
  type ExportedReactionRecord,
} from './repositories/user-data.repository.ts';
export {
  createWebhooksRepository,
  WEBHOOK_EVENT_TYPES,
  type WebhooksRepository,
  type WebhookEndpointRecord,
  type WebhookEndpointChanges,
  type WebhookDeliveryRecord,
  type WebhookDeliveryStatus,
  type WebhookEventType,
  type DueDelivery,
  type DeliveryTry,
  type TryOutcome,
} from './repositories/webhooks.repository.ts';
export * as schema from './schema.ts';

import type { Database } from './client.ts';
import { createAppsRepository } from './repositories/apps.repository.ts';
import { createChannelsRepository } from './repositories/channels.repository.ts';
import { createMessagesRepository } from './repositories/messages.repository.ts';
import { createCountersRepository } from './repositories/counters.repository.ts';
import { createDemoRepository } from './repositories/demo.repository.ts';
import { createModerationRepository } from './repositories/moderation.repository.ts';
import { createReactionsRepository } from './repositories/reactions.repository.ts';
import { createUsersRepository } from './repositories/users.repository.ts';
import { createUserDataRepository } from './repositories/user-data.repository.ts';
import { createWebhooksRepository } from './repositories/webhooks.repository.ts';

/** Every repository over one database handle. */
export function createRepositories(db: Database) {
  return {
    apps: createAppsRepository(db),
    users: createUsersRepository(db),
    channels: createChannelsRepository(db),
    messages: createMessagesRepository(db),
    reactions: createReactionsRepository(db),
    counters: createCountersRepository(db),
    moderation: createModerationRepository(db),
    userData: createUserDataRepository(db),
    demo: createDemoRepository(db),
    webhooks: createWebhooksRepository(db),
  };
}

export type Repositories = ReturnType<typeof createRepositories>;
