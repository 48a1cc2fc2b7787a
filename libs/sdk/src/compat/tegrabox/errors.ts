/**
 * The error classes of @tegrabox/chat-sdk, by the statuses its README gives them. Each is a
 * HeyyoError too: `status` (0 without an HTTP answer) and Heyyo's stable `code` when the server
 * sent one (e.g. `HEYYO_ERR_NOT_MEMBER`).
 *
 * Each names itself: the bundler renames the classes that share a name with the Heyyo client's.
 */
import { HeyyoError, NetworkError as HeyyoNetworkError, WebSocketError as HeyyoWebSocketError } from '../../errors.ts';

/** 401 or 403: invalid API key or token, or not allowed (e.g. not a member of the room). */
export class AuthenticationError extends HeyyoError {
  override readonly name = 'AuthenticationError';
}
/** 404: no such user, room or message in your app. */
export class NotFoundError extends HeyyoError {
  override readonly name = 'NotFoundError';
}
/** 400 (and 413, 415): the input is invalid. */
export class ValidationError extends HeyyoError {
  override readonly name = 'ValidationError';
}
/** 409 (and 410): the request conflicts with the state, e.g. the last owner leaving a room with members. */
export class ConflictError extends HeyyoError {
  override readonly name = 'ConflictError';
}
/** 429: too many requests; not in tegrabox's list. */
export class RateLimitError extends HeyyoError {
  override readonly name = 'RateLimitError';
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
/** 5xx. A 503 (Heyyo overloaded, or its Postgres or Redis unavailable) is worth retrying. */
export class ServerError extends HeyyoError {
  override readonly name = 'ServerError';
}
/** The request got no answer: server down, DNS, connection reset. */
export class NetworkError extends HeyyoError {
  override readonly name = 'NetworkError';
}
/** The socket: not connected, no acknowledgement in time, or a refused socket event. */
export class WebSocketError extends HeyyoError {
  override readonly name = 'WebSocketError';
}

/** The tegrabox error for an HTTP status. */
export function errorForStatus(status: number, message: string, code?: string, retryAfter?: number): HeyyoError {
  if (status === 401 || status === 403) return new AuthenticationError(message, status, code);
  if (status === 404) return new NotFoundError(message, status, code);
  if (status === 409 || status === 410) return new ConflictError(message, status, code);
  if (status === 429) return new RateLimitError(message, status, code, retryAfter);
  if (status >= 500) return new ServerError(message, status, code);
  return new ValidationError(message, status, code);
}

const TEGRABOX_CLASSES: readonly (abstract new (...args: never[]) => HeyyoError)[] = [
  AuthenticationError,
  NotFoundError,
  ValidationError,
  ConflictError,
  RateLimitError,
  ServerError,
  NetworkError,
  WebSocketError,
];

/**
 * Any failure as a tegrabox error: the Heyyo client's errors (which split 403 into Forbidden and
 * 503 into Unavailable) by their status, socket failures as WebSocketError.
 */
export function toCompatError(error: unknown): Error {
  if (TEGRABOX_CLASSES.some((type) => error instanceof type)) return error as Error;
  if (error instanceof HeyyoNetworkError) return new NetworkError(error.message, 0, error.code);
  if (error instanceof HeyyoWebSocketError) return new WebSocketError(error.message, 0, error.code);
  if (error instanceof HeyyoError) {
    const retryAfter = (error as { retryAfter?: number }).retryAfter;
    // A socket acknowledgement's error has no HTTP answer but the status REST would give it.
    return errorForStatus(error.status, error.message, error.code, retryAfter);
  }
  return error instanceof Error ? error : new Error(String(error));
}
