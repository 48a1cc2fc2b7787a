/**
 * Slow mode's turns: one message per member per channel per interval, on every node at once.
 * A turn is a rate-limiter-flexible key of one point whose window is the channel's interval (set
 * when the turn is taken), counted in Redis when the node has it and in the process on the memory
 * engine, which runs one node.
 *
 * Fails open like the write budget: a Redis that errs or does not answer within the deadline lets
 * the message go (a warning is logged, at most one per 10 s).
 */
import type { Redis } from 'ioredis';
import { RateLimiterRes } from 'rate-limiter-flexible';
import { warnAtMostEvery, type Logger } from '@heyyo/logging';
import { createSharedLimiter } from './shared-limiter.ts';

export interface SlowModeOptions {
  /** Turns shared by every node; undefined: kept in this process (the memory engine). */
  redis: Redis | undefined;
  /** Prefix of the turns' keys (RedisKeys `slowMode`). */
  keyPrefix: string;
  /** The longest one Redis round trip may take before the message goes without a turn. @defaultValue 250 */
  deadlineMs?: number;
  log: Pick<Logger, 'warn'>;
}

/** Who takes a turn where. */
export interface SlowModeTurn {
  channelId: string;
  userId: string;
}

export interface SlowMode {
  /**
   * Takes the member's turn for `intervalSeconds`.
   * @returns 0 when taken; otherwise whole seconds (at least 1) until the member's next turn.
   */
  take(turn: SlowModeTurn, intervalSeconds: number): Promise<number>;
  /** Gives a turn back: the message it was taken for was not stored. */
  giveBack(turn: SlowModeTurn): Promise<void>;
}

const WARN_EVERY_MS = 10_000;
/** The window a turn key gets when created; every take sets its own (`customDuration`). */
const DEFAULT_WINDOW_SECONDS = 1;

export function createSlowMode(options: SlowModeOptions): SlowMode {
  const { keyPrefix } = options;
  const limiter = createSharedLimiter({
    redis: options.redis,
    keyPrefix,
    points: 1,
    duration: DEFAULT_WINDOW_SECONDS,
    ...(options.deadlineMs === undefined ? {} : { deadlineMs: options.deadlineMs }),
  });
  const warn = warnAtMostEvery(options.log, WARN_EVERY_MS);
  const keyOf = (turn: SlowModeTurn) => `${turn.channelId}:${turn.userId}`;

  return {
    async take(turn, intervalSeconds) {
      try {
        await limiter.consume(keyOf(turn), 1, { customDuration: intervalSeconds });
        return 0;
      } catch (rejection) {
        if (rejection instanceof RateLimiterRes) return Math.max(1, Math.ceil(rejection.msBeforeNext / 1000));
        warn({ err: rejection }, 'slow mode unavailable: sending without it');
        return 0;
      }
    },
    async giveBack(turn) {
      try {
        await limiter.delete(keyOf(turn));
      } catch (error) {
        warn({ err: error }, 'slow mode turn not given back');
      }
    },
  };
}
