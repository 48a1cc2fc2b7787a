import { randomUUID } from 'node:crypto';
import { ErrorCodes, type ErrorBody } from '@heyyo/contracts';
import { HeyyoError } from './errors.ts';

/** What a transport sends for a failure: the status (REST) and the body (REST and acks alike). */
export interface ErrorResponse {
  status: number;
  body: ErrorBody;
}

/**
 * The one error writer of both transports. A HeyyoError keeps its status, code and text;
 * anything else is a 500 whose `errorId` is logged with the error, so no stack, SQL or
 * parameter ever reaches a client.
 */
export function errorResponse(error: unknown, logUnexpected: (error: unknown, errorId: string) => void): ErrorResponse {
  if (error instanceof HeyyoError) {
    return { status: error.status, body: { error: error.message, code: error.code } };
  }
  const errorId = randomUUID();
  logUnexpected(error, errorId);
  return { status: 500, body: { error: 'Internal server error', code: ErrorCodes.INTERNAL, errorId } };
}
