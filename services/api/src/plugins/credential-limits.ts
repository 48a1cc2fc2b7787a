/**
 * Limits on failed credential checks: wrong api secrets (`POST /api/auth/token`, `X-API-Secret`),
 * wrong admin tokens and invalid user JWTs. Consulted *before* a check and charged on each failure,
 * so guessing meets a limit, while correct credentials never spend anything: a stranger who knows
 * a tenant's (public) api_key cannot lock the tenant's own backends out.
 *
 * - per client IP: past `perIp` failures in the window, the IP's credentials are refused (429)
 *   without being checked, so even a right guess is not confirmed;
 * - per presented api_key: past `perKey` failures (from any IPs), IPs that already failed with that
 *   key are refused without a check and a new IP gets one check; IPs that never failed with it
 *   (the tenant's backends) are checked as usual.
 *
 * Counters are fixed windows starting at a counter's first failure: in Redis when the node has one
 * (shared by every API node), else in this process (the memory engine runs one node). Every Redis
 * call has a deadline; when Redis fails or is slow the limiter lets the check run (fails open) and
 * logs a warning: a missed limit beats refusing every login.
 */
import { createHash } from 'node:crypto';
import { normalizeIP } from '@fastify/rate-limit';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Redis } from 'ioredis';
import { ErrorCodes, type ErrorCode } from '@heyyo/contracts';
import { Errors, HeyyoError } from '@heyyo/chat';
import type { Logger } from '@heyyo/logging';
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

export interface CredentialLimitSettings {
  /** Failures per client IP per window. */
  perIp: number;
  /** Failures per presented api_key per window (from any IPs). */
  perKey: number;
  windowMs: number;
}

export interface CredentialLimiterOptions extends CredentialLimitSettings {
  counters: FailureCounters;
  /** Prefix of every counter key, e.g. `heyyo:ratelimit:authfail:`. */
  nameSpace: string;
  log: Pick<Logger, 'warn'>;
}

/** Failures that are guesses: a wrong secret, token or admin token. Missing or expired credentials are not. */
const GUESSES = new Set<ErrorCode>([ErrorCodes.INVALID_CREDENTIALS, ErrorCodes.INVALID_TOKEN, ErrorCodes.INVALID_ADMIN_TOKEN]);

const isGuess = (error: unknown) => error instanceof HeyyoError && GUESSES.has(error.code);

/** How often at most a Redis failure of the limiter is logged. */
const WARN_EVERY_MS = 10_000;

export interface CredentialLimiter {
  /**
   * Runs `check` (a credential check) unless the request's IP, or its IP with `presentedKey`, ran
   * out of failures: then a 429 with `retry-after`, without checking. A check that fails with a
   * wrong credential is charged to the IP (and to the key and the key from this IP).
   */
  guard<T>(request: FastifyRequest, reply: FastifyReply, presentedKey: string | undefined, check: () => Promise<T>): Promise<T>;
}

export function createCredentialLimiter(options: CredentialLimiterOptions): CredentialLimiter {
  const { counters, nameSpace, perIp, perKey, windowMs, log } = options;
  let lastWarningAt = 0;

  /** Undefined when the counters fail: the caller goes on without them. */
  const safely = async <T>(work: () => Promise<T>, what: string): Promise<T | undefined> => {
    try {
      return await work();
    } catch (err) {
      const now = Date.now();
      if (now - lastWarningAt >= WARN_EVERY_MS) {
        lastWarningAt = now;
        log.warn({ err }, `failed-credential limits unavailable (${what}): checking credentials without them`);
      }
      return undefined;
    }
  };

  const keysOf = (request: FastifyRequest, presentedKey: string | undefined) => {
    // An IPv6 client owns its whole /64: count it as one address.
    const ip = normalizeIP(request.ip);
    const ipKey = `${nameSpace}ip:${ip}`;
    if (presentedKey === undefined || presentedKey === '') return [ipKey];
    // Hashed: any length the caller sends makes a short key, and no api_key is stored.
    const digest = createHash('sha256').update(presentedKey).digest('base64url').slice(0, 22);
    return [ipKey, `${nameSpace}key:${digest}`, `${nameSpace}key:${digest}:ip:${ip}`];
  };

  /** Milliseconds until this request may be checked again; 0: now. */
  const waitOf = ([ip, key, keyFromIp]: CounterState[]) => {
    const remaining = (state: CounterState) => (state.ttlMs > 0 ? state.ttlMs : windowMs);
    let wait = 0;
    if (ip && ip.count >= perIp) wait = remaining(ip);
    if (key && keyFromIp && key.count >= perKey && keyFromIp.count > 0) {
      // Checked again once either the key's window or this IP's failures with it end.
      wait = Math.max(wait, Math.min(remaining(key), remaining(keyFromIp)));
    }
    return wait;
  };

  return {
    async guard(request, reply, presentedKey, check) {
      const keys = keysOf(request, presentedKey);
      const states = await safely(() => counters.read(keys), 'read');
      const wait = states ? waitOf(states) : 0;
      if (wait > 0) {
        const seconds = Math.max(1, Math.ceil(wait / 1000));
        reply.header('retry-after', seconds);
        throw Errors.rateLimited(`Too many failed authentication attempts, retry in ${seconds} s`);
      }
      try {
        return await check();
      } catch (error) {
        if (isGuess(error)) await safely(() => counters.charge(keys, windowMs), 'charge');
        throw error;
      }
    },
  };
}
