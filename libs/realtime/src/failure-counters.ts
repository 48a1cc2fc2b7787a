/**
 * Fixed-window failure counters by key, for the failed-credential limiter (@heyyo/chat): in Redis
 * when the node has one (shared by every node), else in this process (the memory engine runs one
 * node). Every Redis round trip has a deadline.
 */
import type { Redis } from 'ioredis';
import { withDeadline } from '@heyyo/config';

/** One counter: failures so far in its window and the milliseconds left of that window. */
export interface CounterState {
  count: number;
  ttlMs: number;
}

/** Fixed-window failure counters, by key. */
export interface FailureCounters {
  /** The state of each key, in order; a key without failures reads `{ count: 0, ttlMs: 0 }`. */
  read(keys: readonly string[]): Promise<CounterState[]>;
  /** One more failure on each key; a key's window starts at its first failure. */
  charge(keys: readonly string[], windowMs: number): Promise<void>;
}

/** The deadline of one Redis round trip of the limiter. */
export const REDIS_DEADLINE_MS = 250;

// INCR, and start the window on the first failure (or repair a counter that lost its expiry).
const CHARGE_SCRIPT = `
local count = redis.call('INCR', KEYS[1])
if count == 1 or redis.call('PTTL', KEYS[1]) < 0 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
return count`;

/** Counters in Redis: one round trip per read or charge (a pipeline), each under a deadline. */
export function createRedisFailureCounters(redis: Redis, deadlineMs = REDIS_DEADLINE_MS): FailureCounters {
  const run = async (pipeline: ReturnType<Redis['pipeline']>) => {
    const results = (await withDeadline(pipeline.exec(), deadlineMs, 'Redis')) ?? [];
    const failed = results.find(([error]) => error);
    if (failed) throw failed[0];
    return results.map(([, value]) => value);
  };
  return {
    async read(keys) {
      const pipeline = redis.pipeline();
      for (const key of keys) pipeline.get(key).pttl(key);
      const values = await run(pipeline);
      return keys.map((_key, index) => {
        const count = Number(values[index * 2] ?? 0);
        return { count, ttlMs: count > 0 ? Number(values[index * 2 + 1]) : 0 };
      });
    },
    async charge(keys, windowMs) {
      const pipeline = redis.pipeline();
      // One script per key (single-key scripts stay valid when keys live on different nodes).
      for (const key of keys) pipeline.eval(CHARGE_SCRIPT, 1, key, windowMs);
      await run(pipeline);
    },
  };
}

/** Counters in this process, for the memory engine's single node. At most `maxKeys` are kept. */
export function createMemoryFailureCounters(maxKeys = 100_000): FailureCounters {
  const counters = new Map<string, { count: number; resetAtMs: number }>();
  const live = (key: string, now: number) => {
    const counter = counters.get(key);
    if (counter && counter.resetAtMs <= now) {
      counters.delete(key);
      return undefined;
    }
    return counter;
  };
  const makeRoom = (now: number) => {
    if (counters.size < maxKeys) return;
    for (const [key, counter] of counters) if (counter.resetAtMs <= now) counters.delete(key);
    // Still full: forget the oldest windows (a Map iterates in insertion order).
    for (const key of counters.keys()) {
      if (counters.size < maxKeys) break;
      counters.delete(key);
    }
  };
  return {
    async read(keys) {
      const now = Date.now();
      return keys.map((key) => {
        const counter = live(key, now);
        return counter ? { count: counter.count, ttlMs: counter.resetAtMs - now } : { count: 0, ttlMs: 0 };
      });
    },
    async charge(keys, windowMs) {
      const now = Date.now();
      for (const key of keys) {
        const counter = live(key, now);
        if (counter) counter.count += 1;
        else {
          makeRoom(now);
          counters.set(key, { count: 1, resetAtMs: now + windowMs });
        }
      }
    },
  };
}
