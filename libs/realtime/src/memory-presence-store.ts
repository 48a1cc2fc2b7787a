import type { AppId } from '@heyyo/database';
import type { Admission, ConnectionCaps, PresenceConnection, PresenceIdentity, PresenceStore, PresenceStoreOptions } from './presence-store.ts';

interface UserPresence {
  identity: PresenceIdentity;
  /** Connection id → expiry (ms since the epoch). */
  connections: Map<string, number>;
  /** Set while the user is announced online: their latest expiry (the Redis index's score). */
  announcedUntil: number | undefined;
}

/**
 * The single-node presence store of the memory engine: the same TTL heartbeats,
 * sweeps, transitions and connection caps as the Redis store (presence-scripts.ts),
 * in this process.
 */
export function createMemoryPresenceStore(options: PresenceStoreOptions): PresenceStore {
  const sweepBatch = options.sweepBatch ?? 500;
  const users = new Map<string, UserPresence>();
  /** Per app: `<userId>:<connectionId>` → expiry, what the per-app cap counts (the Redis app set). */
  const apps = new Map<AppId, Map<string, number>>();
  const expiry = () => Date.now() + options.ttlMs;
  const appMember = (connection: PresenceConnection) => `${connection.userId}:${connection.connectionId}`;

  /** The app's connections, the expired ones dropped. */
  const liveAppConnections = (appId: AppId, now: number) => {
    const connections = apps.get(appId) ?? new Map<string, number>();
    for (const [member, until] of connections) if (until <= now) connections.delete(member);
    if (connections.size === 0) apps.delete(appId);
    return connections;
  };

  const touch = (connection: PresenceConnection, until: number): boolean => {
    let user = users.get(connection.userId);
    if (!user) {
      user = { identity: identityOf(connection), connections: new Map(), announcedUntil: undefined };
      users.set(connection.userId, user);
    }
    const wasAnnounced = user.announcedUntil !== undefined;
    user.connections.set(connection.connectionId, until);
    user.announcedUntil = Math.max(user.announcedUntil ?? 0, until);
    const app = apps.get(connection.appId) ?? new Map<string, number>();
    apps.set(connection.appId, app.set(appMember(connection), until));
    return !wasAnnounced;
  };

  return {
    async connect(connection) {
      return touch(connection, expiry());
    },

    async admit(connection, caps: ConnectionCaps): Promise<Admission> {
      const now = Date.now();
      const ofUser = [...(users.get(connection.userId)?.connections.values() ?? [])].filter((until) => until > now);
      if (ofUser.length >= caps.perUser) return { admitted: false, full: 'user' };
      if (liveAppConnections(connection.appId, now).size >= caps.perApp) return { admitted: false, full: 'app' };
      return { admitted: true, cameOnline: touch(connection, now + options.ttlMs) };
    },

    async disconnect(connection) {
      apps.get(connection.appId)?.delete(appMember(connection));
      const user = users.get(connection.userId);
      if (!user) return false;
      user.connections.delete(connection.connectionId);
      const now = Date.now();
      if ([...user.connections.values()].some((until) => until > now)) return false;
      users.delete(connection.userId);
      return user.announcedUntil !== undefined;
    },

    async refresh(connections) {
      const until = expiry();
      return connections.filter((connection) => touch(connection, until)).map(identityOf);
    },

    async sweep() {
      const now = Date.now();
      const offline: PresenceIdentity[] = [];
      for (const [userId, user] of users) {
        if (offline.length >= sweepBatch) break;
        if (user.announcedUntil === undefined || user.announcedUntil > now) continue;
        liveAppConnections(user.identity.appId, now);
        for (const [connectionId, until] of user.connections) if (until <= now) user.connections.delete(connectionId);
        if (user.connections.size > 0) {
          user.announcedUntil = Math.max(...user.connections.values());
          continue;
        }
        users.delete(userId);
        offline.push(user.identity);
      }
      return offline;
    },

    async onlineUserIds(_appId: AppId, userIds) {
      const now = Date.now();
      return new Set(
        userIds.filter((userId) => [...(users.get(userId)?.connections.values() ?? [])].some((until) => until > now)),
      );
    },
  };
}

const identityOf = ({ appId, userId, externalId }: PresenceIdentity): PresenceIdentity => ({ appId, userId, externalId });
