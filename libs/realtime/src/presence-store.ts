import type { Redis } from 'ioredis';
import type { AppId } from '@heyyo/database';
import type { RedisKeys } from './keys.ts';
import type { PresenceReader } from './presence-reader.ts';
import { ADMIT, REMOVE, SWEEP, TOUCH } from './presence-scripts.ts';

/** Who a connection belongs to. */
export interface PresenceIdentity {
  appId: AppId;
  userId: string;
  externalId: string;
}

export interface PresenceConnection extends PresenceIdentity {
  /** Unique across the cluster: node id + socket id. */
  connectionId: string;
}

/** The most live connections (on every gateway together) a user and an app may hold. */
export interface ConnectionCaps {
  perUser: number;
  perApp: number;
}

/** What `admit` decided: the connection is recorded (and maybe its user came online), or a cap was full. */
export type Admission = { admitted: true; cameOnline: boolean } | { admitted: false; full: 'user' | 'app' };

export interface PresenceStoreOptions {
  /** A connection not refreshed for this long is gone. */
  ttlMs: number;
  /** Most expired users one sweep handles; the next sweep takes the rest. @defaultValue 500 */
  sweepBatch?: number;
}

/**
 * Who is online, by live connections with a TTL. Every transition (online, offline) is
 * reported by exactly one call, however many gateways share the store.
 */
export interface PresenceStore extends PresenceReader {
  /** Records a live connection. @returns true when the user just came online. */
  connect(connection: PresenceConnection): Promise<boolean>;
  /**
   * `connect`, unless the user or the app already holds `caps` live connections: then nothing is
   * recorded. Checked and recorded atomically, whatever the number of gateways.
   */
  admit(connection: PresenceConnection, caps: ConnectionCaps): Promise<Admission>;
  /** Forgets a connection. @returns true when it was the user's last one. */
  disconnect(connection: PresenceConnection): Promise<boolean>;
  /** Extends every given connection by a TTL. @returns users this brought back online (a sweep had given them up). */
  refresh(connections: readonly PresenceConnection[]): Promise<PresenceIdentity[]>;
  /** Announces offline the users whose connections all expired. @returns those users. */
  sweep(): Promise<PresenceIdentity[]>;
}

type Keys3 = [user: string, index: string, app: string];
type PresenceRedis = Redis & {
  heyyoPresenceTouch(...args: [...Keys3, connection: string, expiry: number, member: string, appMember: string]): Promise<number>;
  heyyoPresenceAdmit(
    ...args: [...Keys3, connection: string, expiry: number, member: string, appMember: string, now: number, perUser: number, perApp: number]
  ): Promise<number>;
  heyyoPresenceRemove(...args: [...Keys3, connection: string, now: number, member: string, appMember: string]): Promise<number>;
  heyyoPresenceSweep(...args: [...Keys3, now: number, member: string]): Promise<number>;
};

// appId and userId are UUIDs (no ':'), so the external id may contain anything after them.
const indexMember = (who: PresenceIdentity) => `${who.appId}:${who.userId}:${who.externalId}`;
// Connection ids are unique per user; in the app's set they are qualified by it.
const appMember = (connection: PresenceConnection) => `${connection.userId}:${connection.connectionId}`;

function parseIndexMember(member: string): PresenceIdentity {
  const first = member.indexOf(':');
  const second = member.indexOf(':', first + 1);
  return {
    appId: member.slice(0, first) as AppId,
    userId: member.slice(first + 1, second),
    externalId: member.slice(second + 1),
  };
}

/**
 * Presence in Redis with TTL heartbeats. Gateways touch their connections on
 * connect and on every heartbeat, remove them on disconnect, and sweep for users
 * whose connections all expired (a gateway that died without cleaning up).
 */
export function createPresenceStore(redis: Redis, keys: RedisKeys, options: PresenceStoreOptions): PresenceStore {
  const client = redis as PresenceRedis;
  if (!('heyyoPresenceAdmit' in client)) {
    redis.defineCommand('heyyoPresenceTouch', { numberOfKeys: 3, lua: TOUCH });
    redis.defineCommand('heyyoPresenceAdmit', { numberOfKeys: 3, lua: ADMIT });
    redis.defineCommand('heyyoPresenceRemove', { numberOfKeys: 3, lua: REMOVE });
    redis.defineCommand('heyyoPresenceSweep', { numberOfKeys: 3, lua: SWEEP });
  }
  const sweepBatch = options.sweepBatch ?? 500;
  const expiry = () => Date.now() + options.ttlMs;
  const keysOf = (who: PresenceIdentity): Keys3 => [keys.presenceUser(who.userId), keys.presenceIndex, keys.presenceApp(who.appId)];

  const store = {
    /** Records a live connection. @returns true when the user just came online. */
    async connect(connection: PresenceConnection): Promise<boolean> {
      const touched = await client.heyyoPresenceTouch(
        ...keysOf(connection),
        connection.connectionId,
        expiry(),
        indexMember(connection),
        appMember(connection),
      );
      return touched === 1;
    },

    /** `connect` within the caps, in one script. */
    async admit(connection: PresenceConnection, caps: ConnectionCaps): Promise<Admission> {
      const now = Date.now();
      const outcome = await client.heyyoPresenceAdmit(
        ...keysOf(connection),
        connection.connectionId,
        now + options.ttlMs,
        indexMember(connection),
        appMember(connection),
        now,
        caps.perUser,
        caps.perApp,
      );
      if (outcome < 0) return { admitted: false, full: outcome === -1 ? 'user' : 'app' };
      return { admitted: true, cameOnline: outcome === 1 };
    },

    /** Forgets a connection. @returns true when it was the user's last one. */
    async disconnect(connection: PresenceConnection): Promise<boolean> {
      const removed = await client.heyyoPresenceRemove(
        ...keysOf(connection),
        connection.connectionId,
        Date.now(),
        indexMember(connection),
        appMember(connection),
      );
      return removed === 1;
    },

    /**
     * Extends every given connection by a TTL in one pipeline.
     * @returns users announced online by this refresh (a sweep had given them up).
     */
    async refresh(connections: readonly PresenceConnection[]): Promise<PresenceIdentity[]> {
      if (connections.length === 0) return [];
      const until = expiry();
      const pipeline = client.pipeline() as unknown as PresenceRedis;
      for (const connection of connections) {
        void pipeline.heyyoPresenceTouch(...keysOf(connection), connection.connectionId, until, indexMember(connection), appMember(connection));
      }
      const results = (await (pipeline as unknown as ReturnType<Redis['pipeline']>).exec()) ?? [];
      return connections.filter((_, index) => results[index]?.[1] === 1);
    },

    /** Announces offline the users whose connections all expired. @returns those users. */
    async sweep(): Promise<PresenceIdentity[]> {
      const now = Date.now();
      const expired = await redis.zrangebyscore(keys.presenceIndex, '-inf', now, 'LIMIT', 0, sweepBatch);
      if (expired.length === 0) return [];
      const pipeline = client.pipeline() as unknown as PresenceRedis;
      for (const member of expired) void pipeline.heyyoPresenceSweep(...keysOf(parseIndexMember(member)), now, member);
      const results = (await (pipeline as unknown as ReturnType<Redis['pipeline']>).exec()) ?? [];
      return expired.filter((_, index) => results[index]?.[1] === 1).map(parseIndexMember);
    },

    /** Users among `userIds` with at least one live connection. */
    async onlineUserIds(_appId: AppId, userIds: readonly string[]): Promise<Set<string>> {
      if (userIds.length === 0) return new Set();
      const now = Date.now();
      const pipeline = redis.pipeline();
      for (const userId of userIds) pipeline.zcount(keys.presenceUser(userId), `(${now}`, '+inf');
      const results = (await pipeline.exec()) ?? [];
      return new Set(userIds.filter((_, index) => Number(results[index]?.[1] ?? 0) > 0));
    },
  };
  return store;
}
