import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { Logger } from '@heyyo/logging';
import { closeRedis } from './close-redis.ts';

/**
 * Something a node may hold in memory stopped being true: drop it. `everything` is what a node
 * tells itself when it may have missed some (its subscription was down).
 */
export type Invalidation =
  /** One user's membership or standing (role, ban, mute) in one channel. */
  | { kind: 'membership'; appId: string; channelId: string; userId: string }
  /** Everything about a channel: it was deleted, or its slow mode changed. */
  | { kind: 'channel'; appId: string; channelId: string }
  /** One user's standing in every channel of the app (an app-wide ban). */
  | { kind: 'user'; appId: string; userId: string }
  /** Some of the user's tokens were revoked. */
  | { kind: 'tokens'; appId: string; userId: string }
  | { kind: 'everything' };

export type InvalidationListener = (invalidation: Invalidation) => void;

/**
 * The one channel every node's caches hear removals on (memberships, bans and mutes, deleted
 * channels, revocations). `publish` applies on this node before it returns, so the node that made a
 * change never serves the old state; the others get it through Redis within its round trip.
 * A node that could not hear (Redis down) hears `everything` when its subscription is back, and
 * the caches' own TTL bounds what a lost message can leave behind.
 */
export interface InvalidationBus {
  /**
   * Never rejects: it follows a committed change. When Redis cannot take it, the failure is
   * logged and the other nodes drop the entry when its TTL ends.
   */
  publish(invalidation: Invalidation): Promise<void>;
  subscribe(listener: InvalidationListener): void;
  close(): Promise<void>;
}

function createListeners() {
  const listeners: InvalidationListener[] = [];
  return {
    add: (listener: InvalidationListener) => void listeners.push(listener),
    notify: (invalidation: Invalidation) => {
      for (const listener of listeners) listener(invalidation);
    },
  };
}

/** One process: listeners are called at once. */
export function createMemoryInvalidationBus(): InvalidationBus {
  const listeners = createListeners();
  return {
    async publish(invalidation) {
      listeners.notify(invalidation);
    },
    subscribe: listeners.add,
    async close() {},
  };
}

const isInvalidation = (value: unknown): value is Invalidation => {
  if (typeof value !== 'object' || value === null) return false;
  const { kind } = value as { kind?: unknown };
  if (kind === 'everything') return true;
  const { appId, channelId, userId } = value as Record<string, unknown>;
  if (typeof appId !== 'string') return false;
  const hasChannel = typeof channelId === 'string';
  const hasUser = typeof userId === 'string';
  if (kind === 'membership') return hasChannel && hasUser;
  if (kind === 'channel') return hasChannel;
  return (kind === 'tokens' || kind === 'user') && hasUser;
};

/**
 * Every node over Redis pub/sub on `channel`: published with the node's shared client (under its
 * deadline), heard on a subscriber connection of its own that reconnects without limit.
 */
export function createRedisInvalidationBus(redis: Redis, channel: string, logger: Logger): InvalidationBus {
  const origin = randomUUID();
  const listeners = createListeners();
  const subscriber = redis.duplicate({
    maxRetriesPerRequest: null,
    enableOfflineQueue: true,
    commandTimeout: undefined,
    // Named, so an operator (or a test) can find it in CLIENT LIST.
    connectionName: `${redis.options.connectionName ?? 'heyyo'}:invalidations`,
  });
  subscriber.on('error', (error) => logger.warn({ err: error }, 'invalidation subscriber error'));
  let subscribedOnce = false;
  subscriber.on('ready', () => {
    // After a reconnect, whatever was published meanwhile was missed: drop it all.
    if (subscribedOnce) listeners.notify({ kind: 'everything' });
    subscribedOnce = true;
  });
  subscriber.subscribe(channel).catch((error: unknown) => logger.error({ err: error }, 'could not subscribe to invalidations'));
  subscriber.on('message', (from: string, text: string) => {
    if (from !== channel) return;
    let parsed: { origin?: unknown; invalidation?: unknown };
    try {
      parsed = JSON.parse(text);
    } catch {
      return logger.warn('an invalidation that is not JSON was ignored');
    }
    if (parsed.origin === origin) return;
    if (!isInvalidation(parsed.invalidation)) return logger.warn('an invalidation of an unknown shape was ignored');
    listeners.notify(parsed.invalidation);
  });

  return {
    async publish(invalidation) {
      listeners.notify(invalidation);
      try {
        await redis.publish(channel, JSON.stringify({ origin, invalidation }));
      } catch (error) {
        logger.warn({ err: error, invalidation }, 'invalidation not published; other nodes drop the entry when its TTL ends');
      }
    },
    subscribe: listeners.add,
    close: () => closeRedis(subscriber),
  };
}
