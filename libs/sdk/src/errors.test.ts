import { describe, expect, it } from 'vitest';
import {
  AuthenticationError,
  ConflictError,
  errorFromAck,
  errorFromResponse,
  ForbiddenError,
  isTokenError,
  NotFoundError,
  RateLimitError,
  ServerError,
  UnavailableError,
  ValidationError,
} from './errors.ts';
import { decodeClaims } from './tokens.ts';

describe('errorFromResponse', () => {
  it.each([
    [400, 'HEYYO_ERR_VALIDATION', ValidationError],
    [413, 'HEYYO_ERR_PAYLOAD_TOO_LARGE', ValidationError],
    [401, 'HEYYO_ERR_AUTH_REQUIRED', AuthenticationError],
    [403, 'HEYYO_ERR_INVALID_TOKEN', AuthenticationError],
    [403, 'HEYYO_ERR_TOKEN_EXPIRED', AuthenticationError],
    [403, 'HEYYO_ERR_INVALID_ADMIN_TOKEN', AuthenticationError],
    [403, 'HEYYO_ERR_NOT_MEMBER', ForbiddenError],
    [404, 'HEYYO_ERR_CHANNEL_NOT_FOUND', NotFoundError],
    [409, 'HEYYO_ERR_CONFLICT', ConflictError],
    [410, 'HEYYO_ERR_RESYNC_REQUIRED', ConflictError],
    [500, 'HEYYO_ERR_INTERNAL', ServerError],
    [503, 'HEYYO_ERR_UNAVAILABLE', UnavailableError],
  ])('%i %s', (status, code, type) => {
    const error = errorFromResponse(status, { error: 'boom', code });
    expect(error).toBeInstanceOf(type);
    expect(error).toMatchObject({ status, code, message: 'boom', name: type.name });
  });

  it('carries retry-after on 429', () => {
    const error = errorFromResponse(429, { error: 'slow down', code: 'HEYYO_ERR_RATE_LIMITED' }, '12');
    expect(error).toBeInstanceOf(RateLimitError);
    expect((error as RateLimitError).retryAfter).toBe(12);
  });

  it('carries retry-after on 503, and is a ServerError', () => {
    const error = errorFromResponse(503, { error: 'retry', code: 'HEYYO_ERR_UNAVAILABLE' }, '1');
    expect(error).toBeInstanceOf(ServerError);
    expect((error as UnavailableError).retryAfter).toBe(1);
    expect(errorFromAck({ error: 'retry', code: 'HEYYO_ERR_UNAVAILABLE' })).toBeInstanceOf(UnavailableError);
  });

  it('falls back to a generic message without a body', () => {
    expect(errorFromResponse(502, undefined).message).toBe('Request failed (502)');
  });

  it('knows which errors a new token cures', () => {
    expect(isTokenError(errorFromResponse(403, { error: 'Token expired', code: 'HEYYO_ERR_TOKEN_EXPIRED' }))).toBe(true);
    expect(isTokenError(errorFromResponse(403, { error: 'no', code: 'HEYYO_ERR_NOT_MEMBER' }))).toBe(false);
    // A wrong admin token or API secret is not cured by a new user token.
    expect(isTokenError(errorFromResponse(403, { error: 'no', code: 'HEYYO_ERR_INVALID_ADMIN_TOKEN' }))).toBe(false);
    expect(isTokenError(errorFromResponse(401, { error: 'no', code: 'HEYYO_ERR_INVALID_CREDENTIALS' }))).toBe(false);
  });
});

describe('errorFromAck', () => {
  it('maps socket acknowledgements to the status REST would use', () => {
    expect(errorFromAck({ error: 'Not a member of this channel', code: 'HEYYO_ERR_NOT_MEMBER' })).toBeInstanceOf(ForbiddenError);
    expect(errorFromAck({ error: 'Channel not found', code: 'HEYYO_ERR_CHANNEL_NOT_FOUND' }).status).toBe(404);
    expect(errorFromAck({ error: 'text: has the wrong type', code: 'HEYYO_ERR_VALIDATION' })).toBeInstanceOf(ValidationError);
  });
});

describe('decodeClaims', () => {
  it('reads a JWT payload without Buffer', () => {
    // A JWT payload is base64url of UTF-8 bytes.
    const bytes = new TextEncoder().encode(JSON.stringify({ sub: 'ü-user', exp: 2, iat: 1 }));
    const payload = btoa(String.fromCharCode(...bytes)).replace(/=+$/, '').replace(/\+/g, '-').replace(/\//g, '_');
    expect(decodeClaims(`e30.${payload}.sig`)).toEqual({ sub: 'ü-user', exp: 2, iat: 1 });
    expect(decodeClaims('not-a-jwt')).toBeUndefined();
  });
});
