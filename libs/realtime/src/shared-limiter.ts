import type { Redis } from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis, RLWrapperTimeouts } from 'rate-limiter-flexible';

export interface SharedLimiterOptions {
  /** Counters shared by every node; undefined: counted in this process (the memory engine). */
  redis: Redis | undefined;
  keyPrefix: string;
  points: number;
  /** The window, in whole seconds. */
  duration: number;
  /** The longest one Redis round trip may take before the call fails. @defaultValue 250 */
  deadlineMs?: number;
  /** Refuse a key that spent its points in memory until its window ends, without asking Redis again. */
  inMemoryBlockOnConsumed?: number;
}

/**
 * A rate-limiter-flexible limiter counted in Redis when the node has it — every call under a
 * deadline, failing at once while ioredis reconnects rather than queueing behind it — and in the
 * process on the memory engine, which runs one node. Callers decide what a failure means.
 */
export function createSharedLimiter(options: SharedLimiterOptions): RLWrapperTimeouts | RateLimiterMemory {
  const { redis, keyPrefix, points, duration } = options;
  if (!redis) return new RateLimiterMemory({ keyPrefix, points, duration });
  return new RLWrapperTimeouts({
    limiter: new RateLimiterRedis({
      storeClient: redis,
      keyPrefix,
      points,
      duration,
      ...(options.inMemoryBlockOnConsumed === undefined ? {} : { inMemoryBlockOnConsumed: options.inMemoryBlockOnConsumed }),
      rejectIfRedisNotReady: true,
    }),
    timeoutMs: options.deadlineMs ?? 250,
  });
}
