/**
 * Limits on failed credential checks, the same on every transport: wrong api secrets
 * (`POST /api/auth/token`, `X-API-Secret`), wrong admin tokens and invalid user JWTs (REST and
 * the Socket.IO handshake). Consulted *before* a check and charged on each failure, so guessing
 * meets a limit, while correct credentials never spend anything: a stranger who knows a tenant's
 * (public) api_key cannot lock the tenant's own backends out.
 *
 * - per client IP: past `perIp` failures in the window, the IP's credentials are refused (429)
 *   without being checked, so even a right guess is not confirmed;
 * - per presented api_key: past `perKey` failures (from any IPs), IPs that already failed with that
 *   key are refused without a check and a new IP gets one check; IPs that never failed with it
 *   (the tenant's backends) are checked as usual.
 *
 * Counters are fixed windows starting at a counter's first failure (FailureCounters: in Redis,
 * shared by every node, or in this process). When they fail or are slow the limiter lets the check
 * run (fails open) and logs a warning: a missed limit beats refusing every login.
 */
import { createHash } from 'node:crypto';
import { isIPv6 } from 'node:net';
import { Address6 } from 'ip-address';
import { ErrorCodes, type ErrorCode } from '@heyyo/contracts';
import { warnAtMostEvery, type Logger } from '@heyyo/logging';
import type { CounterState, FailureCounters } from '@heyyo/realtime';
import type { Actor } from './actor.ts';
import type { AuthService, Session } from './auth.service.ts';
import { Errors, HeyyoError } from './errors.ts';

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

/**
 * The address a client is counted by: an IPv4 address (also when mapped into IPv6), or the /64
 * an IPv6 client owns (it can use any address in it).
 */
export function clientAddress(ip: string): string {
  if (!isIPv6(ip)) return ip.toLowerCase();
  const address = new Address6(ip);
  if (address.isMapped4()) return address.to4().correctForm();
  return new Address6(`${ip}/64`).startAddress().correctForm();
}

export interface CredentialLimiter {
  /**
   * Runs `check` (a credential check) unless the client's IP, or its IP with `presentedKey`, ran
   * out of failures: then `Errors.credentialsLocked` (429, with when to retry), without checking.
   * A check that fails with a wrong credential is charged to the IP (and to the key and the key
   * from this IP).
   */
  guard<T>(ip: string, presentedKey: string | undefined, check: () => Promise<T>): Promise<T>;
}

export function createCredentialLimiter(options: CredentialLimiterOptions): CredentialLimiter {
  const { counters, nameSpace, perIp, perKey, windowMs } = options;
  const warn = warnAtMostEvery(options.log, WARN_EVERY_MS);

  /** Undefined when the counters fail: the caller goes on without them. */
  const safely = async <T>(work: () => Promise<T>, what: string): Promise<T | undefined> => {
    try {
      return await work();
    } catch (err) {
      warn({ err }, `failed-credential limits unavailable (${what}): checking credentials without them`);
      return undefined;
    }
  };

  const keysOf = (rawIp: string, presentedKey: string | undefined) => {
    const ip = clientAddress(rawIp);
    const ipKey = `${nameSpace}ip:${ip}`;
    if (presentedKey === undefined || presentedKey === '') return [ipKey];
    // Hashed: any length the caller sends makes a short key, and no api_key is stored.
    const digest = createHash('sha256').update(presentedKey).digest('base64url').slice(0, 22);
    return [ipKey, `${nameSpace}key:${digest}`, `${nameSpace}key:${digest}:ip:${ip}`];
  };

  /** Milliseconds until this client may be checked again; 0: now. */
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
    async guard(ip, presentedKey, check) {
      const keys = keysOf(ip, presentedKey);
      const states = await safely(() => counters.read(keys), 'read');
      const wait = states ? waitOf(states) : 0;
      if (wait > 0) throw Errors.credentialsLocked(Math.max(1, Math.ceil(wait / 1000)));
      try {
        return await check();
      } catch (error) {
        if (isGuess(error)) await safely(() => counters.charge(keys, windowMs), 'charge');
        throw error;
      }
    },
  };
}

/**
 * A user JWT under the failed-credential limits of the client's IP, on REST and at socket
 * handshakes alike: a token this node verified before is not a guess and skips the limiter (and
 * its Redis round trip); any other is checked by it.
 */
export function authenticateUser(
  auth: AuthService,
  limiter: CredentialLimiter,
  ip: string,
  token: string | undefined,
): Promise<Session> {
  if (token !== undefined && auth.rememberedActor(token)) return auth.authenticateSession(token);
  return limiter.guard(ip, undefined, () => auth.authenticateSession(token));
}
