import { describe, expect, it } from 'vitest';
import { DeadlineError } from '@heyyo/config';
import { isDependencyUnavailable } from './unavailable.ts';

const withCode = (code: string, message = code) => Object.assign(new Error(message), { code });
/** drizzle's wrapper: the driver's error is its `cause`. */
const wrapped = (cause: unknown) => Object.assign(new Error('Failed query: select 1'), { cause });

describe('isDependencyUnavailable', () => {
  it.each([
    ['our deadline', new DeadlineError('Postgres', 500)],
    ['postgres.js: connection closed', withCode('CONNECTION_CLOSED')],
    ['postgres.js: connect timeout', withCode('CONNECT_TIMEOUT')],
    ['socket: refused', withCode('ECONNREFUSED')],
    ['socket: reset', withCode('ECONNRESET')],
    ['SQLSTATE 08006 connection failure', withCode('08006')],
    ['SQLSTATE 57014 statement cancelled', withCode('57014')],
    ['SQLSTATE 57P01 admin shutdown', withCode('57P01')],
    ['SQLSTATE 53300 too many connections', withCode('53300')],
    ['drizzle-wrapped connection error', wrapped(withCode('ECONNREFUSED'))],
    ['ioredis: command timeout', new Error('Command timed out')],
    ['ioredis: offline queue off', new Error("Stream isn't writeable and enableOfflineQueue options is false")],
    ['ioredis: closed', new Error('Connection is closed.')],
    ['ioredis: retries spent', Object.assign(new Error('Reached the max retries per request limit (which is 1).'), { name: 'MaxRetriesPerRequestError' })],
  ])('%s: yes', (_name, error) => {
    expect(isDependencyUnavailable(error)).toBe(true);
  });

  it.each([
    ['a unique violation', wrapped(withCode('23505'))],
    ['a syntax error', withCode('42601')],
    ['a bug', new TypeError("Cannot read properties of undefined (reading 'id')")],
    ['not an error', 'ECONNREFUSED'],
    ['nothing', undefined],
  ])('%s: no', (_name, error) => {
    expect(isDependencyUnavailable(error)).toBe(false);
  });

  it('stops at a cause cycle', () => {
    const error: Error & { cause?: unknown } = new Error('loop');
    error.cause = error;
    expect(isDependencyUnavailable(error)).toBe(false);
  });
});
