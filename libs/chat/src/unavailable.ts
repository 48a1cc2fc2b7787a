/**
 * Whether a failure means "Postgres or Redis is down or did not answer in time", which a client
 * should retry (503 HEYYO_ERR_UNAVAILABLE), rather than a fault of ours (500). The drivers say so
 * in different ways, and drizzle wraps Postgres errors (`cause`), so the whole chain is read.
 */
import { DEPENDENCY_DEADLINE } from '@heyyo/config';

/** Node socket errors, and postgres.js's own connection errors. */
const CONNECTION_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'CONNECT_TIMEOUT',
  'CONNECTION_CLOSED',
  'CONNECTION_DESTROYED',
  'CONNECTION_ENDED',
]);

/**
 * SQLSTATEs of an unavailable database: class 08 (connection exception), too many connections,
 * a statement cancelled (by our deadline or `statement_timeout`), the server shutting down or
 * starting up, or read-only during a failover.
 */
const UNAVAILABLE_SQLSTATE = /^(08...|53300|57014|57P0[1-4]|25006)$/;

/** ioredis: a command past `commandTimeout`, sent while disconnected, or flushed by a reconnect. */
const REDIS_MESSAGES = [
  'Command timed out',
  "Stream isn't writeable",
  'Connection is closed',
  'Reached the max retries per request limit',
];


function isUnavailableCause(error: object): boolean {
  const { code, message, name } = error as { code?: unknown; message?: unknown; name?: unknown };
  if (typeof code === 'string' && (CONNECTION_CODES.has(code) || UNAVAILABLE_SQLSTATE.test(code) || code === DEPENDENCY_DEADLINE)) {
    return true;
  }
  if (name === 'MaxRetriesPerRequestError') return true;
  return typeof message === 'string' && REDIS_MESSAGES.some((text) => message.startsWith(text));
}

export function isDependencyUnavailable(error: unknown): boolean {
  for (let current = error, depth = 0; current && typeof current === 'object' && depth < 8; depth++) {
    if (isUnavailableCause(current)) return true;
    current = (current as { cause?: unknown }).cause;
  }
  return false;
}
