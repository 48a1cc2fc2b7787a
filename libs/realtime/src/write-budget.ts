/**
 * One write budget per user: messages sent and reactions added or removed, by REST and every
 * socket of the user together. Counted in Redis when the node has it, so every node spends from
 * the same budget (rate-limiter-flexible's fixed window: one INCR script per write); in the
 * process on the memory engine, which runs one node.
 *
 * A user who spent their window is refused by this node until it ends without asking Redis
 * again (`inMemoryBlockOnConsumed`): a flood costs one round trip per node and window.
 *
 * Fails open: a Redis that errs, is disconnected or does not answer within the deadline lets the
 * write go (and a warning is logged, at most one per 10 s). A missed limit beats refusing every
 * message while Redis is away.
 */
import type { Redis } from 'ioredis';
import { RateLimiterRes } from 'rate-limiter-flexible';
import { warnAtMostEvery, type Logger } from '@heyyo/logging';
import { createSharedLimiter } from './shared-limiter.ts';

export interface WriteBudgetOptions {
  /** Writes one user may make per window. */
  points: number;
  /** The fixed window, in whole seconds (it starts at the user's first write). */
  windowSeconds: number;
  /** Counters shared by every node; undefined: counted in this process (the memory engine). */
  redis: Redis | undefined;
  /** Prefix of the counters' keys, e.g. `heyyo:ratelimit:writes` (RedisKeys `userWrites`). */
  keyPrefix: string;
  /** The longest one Redis round trip may take before the write goes on without the budget. @defaultValue 250 */
  deadlineMs?: number;
  log: Pick<Logger, 'warn'>;
}

/** May the write go, or how long until the user's window ends (whole seconds, at least 1: a `retry-after`). */
export type BudgetVerdict = { ok: true } | { ok: false; retryAfterSeconds: number };

export interface WriteBudget {
  /** Spends one write of the user's budget. */
  spend(who: { appId: string; userId: string }): Promise<BudgetVerdict>;
}

/** How often at most a Redis failure of the budget is logged. */
const WARN_EVERY_MS = 10_000;

export function createWriteBudget(options: WriteBudgetOptions): WriteBudget {
  const { points, windowSeconds: duration, keyPrefix, log } = options;
  const limiter = createSharedLimiter({
    redis: options.redis,
    keyPrefix,
    points,
    duration,
    inMemoryBlockOnConsumed: points,
    ...(options.deadlineMs === undefined ? {} : { deadlineMs: options.deadlineMs }),
  });
  const warn = warnAtMostEvery(log, WARN_EVERY_MS);

  return {
    async spend({ appId, userId }) {
      try {
        await limiter.consume(`${appId}:${userId}`);
        return { ok: true };
      } catch (rejection) {
        if (rejection instanceof RateLimiterRes) {
          return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil(rejection.msBeforeNext / 1000)) };
        }
        warn({ err: rejection }, 'per-user write budget unavailable: writing without it');
        return { ok: true };
      }
    },
  };
}
