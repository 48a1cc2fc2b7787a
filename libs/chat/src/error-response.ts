import { randomUUID } from 'node:crypto';
import { ErrorCodes, type ErrorBody } from '@heyyo/contracts';
import { Errors, HeyyoError } from './errors.ts';
import { isDependencyUnavailable } from './unavailable.ts';

/** Seconds a client is told to wait (`retry-after`) when Postgres or Redis is unavailable. */
export const UNAVAILABLE_RETRY_AFTER_SECONDS = 1;

/** What a transport sends for a failure: the status (REST) and the body (REST and acks alike). */
export interface ErrorResponse {
  status: number;
  body: ErrorBody;
  /** REST sends it as `retry-after`: the failure is temporary. */
  retryAfterSeconds?: number;
}

export interface ErrorLog {
  /** A fault of ours: logged with the `errorId` the client is given. */
  unexpected(error: unknown, errorId: string): void;
  /** Postgres or Redis down or too slow: the client is told to retry. */
  unavailable(error: unknown): void;
}

/**
 * The one error writer of both transports. A HeyyoError keeps its status, code and text; a
 * dependency that is down or did not answer in time is a 503 the client retries; anything else
 * is a 500 whose `errorId` is logged with the error, so no stack, SQL or parameter ever reaches
 * a client.
 */
export function errorResponse(error: unknown, log: ErrorLog): ErrorResponse {
  if (error instanceof HeyyoError) {
    const { status, message, code, retryAfterSeconds } = error;
    return { status, body: { error: message, code }, ...(retryAfterSeconds === undefined ? {} : { retryAfterSeconds }) };
  }
  if (isDependencyUnavailable(error)) {
    log.unavailable(error);
    const { message, code, status } = Errors.unavailable();
    return { status, body: { error: message, code }, retryAfterSeconds: UNAVAILABLE_RETRY_AFTER_SECONDS };
  }
  const errorId = randomUUID();
  log.unexpected(error, errorId);
  return { status: 500, body: { error: 'Internal server error', code: ErrorCodes.INTERNAL, errorId } };
}
