import type { Redis } from 'ioredis';
import { describe, expect, it, vi } from 'vitest';
import { createMemoryFailureCounters, createRedisFailureCounters, type FailureCounters } from '@heyyo/realtime';
import { clientAddress, createCredentialLimiter } from './credential-limiter.ts';
import { Errors, HeyyoError } from './errors.ts';

/** A credential check that passes for secret "right" and fails with 401 otherwise, behind the limiter; counts checks. */
function guarded(counters: FailureCounters, settings = { perIp: 2, perKey: 3, windowMs: 60_000 }) {
  const warn = vi.fn();
  const limiter = createCredentialLimiter({ counters, nameSpace: 'test:authfail:', log: { warn } as never, ...settings });
  let checks = 0;
  /** The outcome as REST would answer it: the status, and on a lock-out its message and retry-after. */
  const call = async (ip: string, secret: string, key = 'cb_key') => {
    try {
      await limiter.guard(ip, key, async () => {
        checks += 1;
        if (secret !== 'right') throw Errors.invalidCredentials();
      });
      return { statusCode: 200 };
    } catch (error) {
      if (!(error instanceof HeyyoError)) throw error;
      return { statusCode: error.status, code: error.code, message: error.message, retryAfter: error.retryAfterSeconds };
    }
  };
  return { call, warn, checks: () => checks };
}

describe('the failed-credential limiter', () => {
  it('refuses an IP past its failures with 429 and retry-after, without running the check', async () => {
    const { call, checks } = guarded(createMemoryFailureCounters());
    expect((await call('10.0.0.1', 'wrong')).statusCode).toBe(401);
    expect((await call('10.0.0.1', 'wrong', 'cb_other')).statusCode).toBe(401);
    const locked = await call('10.0.0.1', 'right');
    expect(locked).toEqual({
      statusCode: 429,
      code: 'HEYYO_ERR_RATE_LIMITED',
      message: 'Too many failed authentication attempts, retry in 60 s',
      retryAfter: 60,
    });
    expect(checks()).toBe(2);
    expect((await call('10.0.0.2', 'right')).statusCode).toBe(200);
  });

  it('counts one IPv6 /64 as one address', async () => {
    const { call } = guarded(createMemoryFailureCounters());
    expect((await call('2001:db8:1:2::1', 'wrong')).statusCode).toBe(401);
    expect((await call('2001:db8:1:2::ffff', 'wrong')).statusCode).toBe(401);
    expect((await call('2001:db8:1:2:abcd::9', 'right')).statusCode).toBe(429);
    expect((await call('2001:db8:1:3::1', 'right')).statusCode).toBe(200);
  });

  it('lets the checks run again once the window is over', async () => {
    const { call } = guarded(createMemoryFailureCounters(), { perIp: 1, perKey: 10, windowMs: 1000 });
    expect((await call('10.0.0.3', 'wrong')).statusCode).toBe(401);
    expect((await call('10.0.0.3', 'right')).statusCode).toBe(429);
    await new Promise((resolve) => setTimeout(resolve, 1050));
    expect((await call('10.0.0.3', 'right')).statusCode).toBe(200);
  });

  it('fails open, with one warning, when Redis does not answer within its deadline', async () => {
    const pipeline = { get: () => pipeline, pttl: () => pipeline, eval: () => pipeline, exec: () => new Promise(() => {}) };
    const hanging = { pipeline: () => pipeline } as unknown as Redis;
    const { call, warn, checks } = guarded(createRedisFailureCounters(hanging, 20), { perIp: 1, perKey: 1, windowMs: 60_000 });
    for (let attempt = 0; attempt < 3; attempt++) expect((await call('10.0.0.4', 'wrong')).statusCode).toBe(401);
    expect((await call('10.0.0.4', 'right')).statusCode).toBe(200);
    expect(checks()).toBe(4);
    expect(warn).toHaveBeenCalledTimes(1);
    expect(warn.mock.calls[0]![1]).toMatch(/checking credentials without them/);
  });

  it('fails open when a Redis command fails', async () => {
    const pipeline = {
      get: () => pipeline,
      pttl: () => pipeline,
      eval: () => pipeline,
      exec: async () => [[new Error('READONLY You can\'t write against a read only replica.'), null]],
    };
    const failing = { pipeline: () => pipeline } as unknown as Redis;
    const { call, warn } = guarded(createRedisFailureCounters(failing), { perIp: 1, perKey: 1, windowMs: 60_000 });
    expect((await call('10.0.0.5', 'wrong')).statusCode).toBe(401);
    expect((await call('10.0.0.5', 'right')).statusCode).toBe(200);
    expect(warn).toHaveBeenCalled();
  });
});

describe('clientAddress', () => {
  it('counts an IPv4 client by its address, also when mapped into IPv6, and an IPv6 client by its /64', () => {
    expect(clientAddress('10.0.0.1')).toBe('10.0.0.1');
    expect(clientAddress('::ffff:10.0.0.1')).toBe('10.0.0.1');
    expect(clientAddress('2001:db8:1:2:abcd::9')).toBe('2001:db8:1:2::');
    expect(clientAddress('2001:DB8:1:2::1')).toBe('2001:db8:1:2::');
  });
});
