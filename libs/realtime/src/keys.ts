/** Every Redis key and channel Heyyo uses, under one configurable prefix. */
export function redisKeys(prefix: string) {
  return {
    /** Pub/sub channel prefix shared by the Socket.IO adapter and emitter. */
    socketIo: `${prefix}socket.io`,
    /** Sorted set: one user's live connections, scored by when they expire (ms). */
    presenceUser: (userId: string) => `${prefix}presence:user:${userId}`,
    /** Sorted set: every user announced online, scored by their latest connection expiry. */
    presenceIndex: `${prefix}presence:online`,
    /** Sorted set: one app's connections (`<userId>:<connectionId>`), scored by when they expire (ms). */
    presenceApp: (appId: string) => `${prefix}presence:app:${appId}`,
    /**
     * Rate-limit counters: @fastify/rate-limit's, the failed-credential counters under `authfail:`,
     * and the per-user write budgets under `writes:`.
     */
    rateLimit: `${prefix}ratelimit:`,
    /** The per-user write budgets' prefix (rate-limiter-flexible adds `:<appId>:<userId>`). */
    userWrites: `${prefix}ratelimit:writes`,
    /** Slow mode's turns (slow-mode.ts adds `:<channelId>:<userId>`). */
    slowMode: `${prefix}ratelimit:slow`,
    /** Pub/sub channel of cache invalidations between nodes (invalidations.ts). */
    invalidations: `${prefix}invalidations`,
    /** BullMQ's prefix: its queues live under `<prefix>bull:<queue>:…`. */
    bullPrefix: `${prefix}bull`,
  };
}

export type RedisKeys = ReturnType<typeof redisKeys>;
