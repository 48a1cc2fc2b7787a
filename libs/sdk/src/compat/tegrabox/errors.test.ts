import { describe, expect, it } from 'vitest';
import {
  ConflictError as HeyyoConflictError,
  ForbiddenError,
  HeyyoError,
  NetworkError as HeyyoNetworkError,
  RateLimitError as HeyyoRateLimitError,
  UnavailableError,
  WebSocketError as HeyyoWebSocketError,
} from '../../errors.ts';
import {
  AuthenticationError,
  ConflictError,
  NetworkError,
  NotFoundError,
  RateLimitError,
  ServerError,
  ValidationError,
  WebSocketError,
  errorForStatus,
  toCompatError,
} from './errors.ts';

describe('errorForStatus', () => {
  it.each([
    [401, AuthenticationError],
    [403, AuthenticationError],
    [404, NotFoundError],
    [400, ValidationError],
    [413, ValidationError],
    [409, ConflictError],
    [410, ConflictError],
    [429, RateLimitError],
    [500, ServerError],
    [503, ServerError],
  ] as const)('%i is a %o', (status, type) => {
    const error = errorForStatus(status, 'message', 'HEYYO_ERR_X');
    expect(error).toBeInstanceOf(type);
    expect(error).toBeInstanceOf(HeyyoError);
    expect({ name: error.name, message: error.message, status: error.status, code: error.code }).toEqual({
      name: type.name,
      message: 'message',
      status,
      code: 'HEYYO_ERR_X',
    });
  });

  it("keeps a 429's retry-after", () => {
    expect((errorForStatus(429, 'slow down', undefined, 3) as RateLimitError).retryAfter).toBe(3);
  });
});

describe('toCompatError', () => {
  it("turns the Heyyo client's errors into tegrabox's by status", () => {
    const forbidden = toCompatError(new ForbiddenError('Not a member of this channel', 403, 'HEYYO_ERR_NOT_MEMBER'));
    expect(forbidden).toBeInstanceOf(AuthenticationError);
    expect(forbidden).toMatchObject({ name: 'AuthenticationError', message: 'Not a member of this channel', status: 403, code: 'HEYYO_ERR_NOT_MEMBER' });
    expect(toCompatError(new UnavailableError('Server busy', 503, 'HEYYO_ERR_OVERLOADED', 1))).toBeInstanceOf(ServerError);
    expect(toCompatError(new HeyyoConflictError('Too far behind', 410, 'HEYYO_ERR_RESYNC_REQUIRED'))).toBeInstanceOf(ConflictError);
    const limited = toCompatError(new HeyyoRateLimitError('Rate limit exceeded', 429, 'HEYYO_ERR_RATE_LIMITED', 2));
    expect(limited).toBeInstanceOf(RateLimitError);
    expect((limited as RateLimitError).retryAfter).toBe(2);
  });

  it('keeps network and socket failures apart, though neither has a status', () => {
    const network = toCompatError(new HeyyoNetworkError('fetch failed', 0));
    const socket = toCompatError(new HeyyoWebSocketError('No acknowledgement for message.send', 0));
    expect(network).toBeInstanceOf(NetworkError);
    expect(network).toMatchObject({ name: 'NetworkError', message: 'fetch failed', status: 0 });
    expect(socket).toBeInstanceOf(WebSocketError);
    expect(socket).toMatchObject({ name: 'WebSocketError', message: 'No acknowledgement for message.send', status: 0 });
  });

  it('passes a tegrabox error and a foreign Error through as they are', () => {
    const own = new NotFoundError('User not found', 404);
    const foreign = new TypeError('boom');
    expect(toCompatError(own)).toBe(own);
    expect(toCompatError(foreign)).toBe(foreign);
    expect(toCompatError('text')).toEqual(new Error('text'));
  });
});
