export { redisKeys, type RedisKeys } from './keys.ts';
export { closeRedis } from './close-redis.ts';
export type { EventPublisher } from './publisher.ts';
export type { PresenceReader } from './presence-reader.ts';
export { createRedisEventPublisher } from './event-publisher.ts';
export { createCheckedPublisher } from './checked-publisher.ts';
export {
  createPresenceStore,
  type PresenceStore,
  type PresenceConnection,
  type PresenceIdentity,
  type PresenceStoreOptions,
  type ConnectionCaps,
  type Admission,
} from './presence-store.ts';
export { createMemoryPresenceStore } from './memory-presence-store.ts';
export { createServerEventPublisher } from './server-event-publisher.ts';
export type { SocketServer } from './room-publisher.ts';
export {
  createMemoryFailureCounters,
  createRedisFailureCounters,
  type CounterState,
  type FailureCounters,
} from './failure-counters.ts';
export {
  createMemoryInvalidationBus,
  createRedisInvalidationBus,
  type Invalidation,
  type InvalidationBus,
  type InvalidationListener,
} from './invalidations.ts';
export { observeRedisCommands, type RedisCommandObserver } from './redis-commands.ts';
export { createWriteBudget, type WriteBudget, type WriteBudgetOptions, type BudgetVerdict } from './write-budget.ts';
export { createSlowMode, type SlowMode, type SlowModeOptions, type SlowModeTurn } from './slow-mode.ts';
