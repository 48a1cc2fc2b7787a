import { ErrorCodes, type ErrorCode } from '@heyyo/contracts';

/** Base of every error the SDK throws: the HTTP status (0 when none) and the server's message and code. */
export class HeyyoError extends Error {
  constructor(
    message: string,
    /** HTTP status; 0 for network and socket failures. */
    readonly status: number,
    /** The server's stable code, e.g. `HEYYO_ERR_NOT_MEMBER`, when it sent one. */
    readonly code?: string,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** 401, or 403 for a token that is invalid or expired. */
export class AuthenticationError extends HeyyoError {}
/** 403: authenticated, but not allowed (e.g. not a member of the channel). */
export class ForbiddenError extends HeyyoError {}
/** 404 */
export class NotFoundError extends HeyyoError {}
/** 400, 413, 415: the request itself is wrong. */
export class ValidationError extends HeyyoError {}
/** 409, and 410 "too far behind" (`code` is HEYYO_ERR_RESYNC_REQUIRED). */
export class ConflictError extends HeyyoError {}
/** 429 */
export class RateLimitError extends HeyyoError {
  constructor(
    message: string,
    status: number,
    code: string | undefined,
    /** Seconds to wait before retrying, from the retry-after header. */
    readonly retryAfter: number | undefined,
  ) {
    super(message, status, code);
  }
}
/** 5xx */
export class ServerError extends HeyyoError {}
/**
 * 503: the server refused for a moment — overloaded (`code` HEYYO_ERR_OVERLOADED) or Postgres or
 * Redis unavailable (HEYYO_ERR_UNAVAILABLE); retry (a send with the same client id is stored once;
 * `messages.send` retries by itself, see `sendRetries`).
 */
export class UnavailableError extends ServerError {
  constructor(
    message: string,
    status: number,
    code: string | undefined,
    /** Seconds to wait before retrying, from the retry-after header. */
    readonly retryAfter: number | undefined,
  ) {
    super(message, status, code);
  }
}
/** The request never got an answer (offline, DNS, reset). */
export class NetworkError extends HeyyoError {}
/** The socket is not connected, or an acknowledgement did not come in time. */
export class WebSocketError extends HeyyoError {}

/** User-token failures: a fresh token can cure them. */
const TOKEN_CODES: readonly string[] = [ErrorCodes.INVALID_TOKEN, ErrorCodes.TOKEN_EXPIRED, ErrorCodes.AUTH_REQUIRED];
/** Every credential failure, user token or not (a wrong admin token is one too). */
const AUTH_CODES: readonly string[] = [...TOKEN_CODES, ErrorCodes.INVALID_ADMIN_TOKEN, ErrorCodes.INVALID_CREDENTIALS];

/** True for the failures a fresh user token can cure. */
export function isTokenError(error: unknown): boolean {
  return error instanceof AuthenticationError && TOKEN_CODES.includes(error.code ?? '');
}

/** The typed error for an HTTP status and the server's `{ error, code }` body. */
export function errorFromResponse(
  status: number,
  body: { error?: string; code?: string } | undefined,
  retryAfter?: string | null,
): HeyyoError {
  const message = body?.error ?? `Request failed (${status})`;
  const code = body?.code;
  if (status === 401 || (status === 403 && AUTH_CODES.includes(code ?? ''))) return new AuthenticationError(message, status, code);
  if (status === 403) return new ForbiddenError(message, status, code);
  if (status === 404) return new NotFoundError(message, status, code);
  if (status === 409 || status === 410) return new ConflictError(message, status, code);
  const seconds = retryAfter ? Number(retryAfter) : undefined;
  const retryAfterSeconds = Number.isFinite(seconds) ? seconds : undefined;
  if (status === 429) return new RateLimitError(message, status, code, retryAfterSeconds);
  if (status === 503) return new UnavailableError(message, status, code, retryAfterSeconds);
  if (status >= 500) return new ServerError(message, status, code);
  return new ValidationError(message, status, code);
}

/** The status REST answers with each code: what an acknowledgement's error is typed by. */
const STATUS_BY_CODE = {
  [ErrorCodes.VALIDATION]: 400,
  [ErrorCodes.INVALID_JSON]: 400,
  [ErrorCodes.UNSUPPORTED_MEDIA_TYPE]: 415,
  [ErrorCodes.PAYLOAD_TOO_LARGE]: 413,
  [ErrorCodes.AUTH_REQUIRED]: 401,
  [ErrorCodes.INVALID_TOKEN]: 403,
  [ErrorCodes.TOKEN_EXPIRED]: 403,
  [ErrorCodes.TOKEN_REVOKED]: 403,
  [ErrorCodes.USER_DEACTIVATED]: 403,
  [ErrorCodes.INVALID_CREDENTIALS]: 401,
  [ErrorCodes.INVALID_ADMIN_TOKEN]: 403,
  [ErrorCodes.NOT_MEMBER]: 403,
  [ErrorCodes.FORBIDDEN]: 403,
  [ErrorCodes.BANNED]: 403,
  [ErrorCodes.MUTED]: 403,
  [ErrorCodes.MEMBER_NOT_FOUND]: 404,
  [ErrorCodes.CHANNEL_NOT_FOUND]: 404,
  [ErrorCodes.USER_NOT_FOUND]: 404,
  [ErrorCodes.MESSAGE_NOT_FOUND]: 404,
  [ErrorCodes.PARENT_NOT_FOUND]: 404,
  [ErrorCodes.ROUTE_NOT_FOUND]: 404,
  [ErrorCodes.WEBHOOK_NOT_FOUND]: 404,
  [ErrorCodes.DELIVERY_NOT_FOUND]: 404,
  [ErrorCodes.LAST_OWNER]: 409,
  [ErrorCodes.WEBHOOK_LIMIT]: 409,
  [ErrorCodes.USER_ERASED]: 409,
  [ErrorCodes.RESYNC_REQUIRED]: 410,
  [ErrorCodes.SLOW_MODE]: 429,
  [ErrorCodes.RATE_LIMITED]: 429,
  [ErrorCodes.INTERNAL]: 500,
  [ErrorCodes.UNAVAILABLE]: 503,
  [ErrorCodes.OVERLOADED]: 503,
} satisfies Record<ErrorCode, number>;

/** The typed error for a socket acknowledgement `{ error, code }`, by the status REST would use. */
export function errorFromAck(ack: { error: string; code?: string }): HeyyoError {
  return errorFromResponse((STATUS_BY_CODE as Record<string, number>)[ack.code ?? ''] ?? 400, ack);
}
