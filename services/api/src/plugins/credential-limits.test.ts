import Fastify from 'fastify';
import type { Redis } from 'ioredis';
import { describe, expect, it, vi } from 'vitest';
import { Errors } from '@heyyo/chat';
import {
  createCredentialLimiter,
  createMemoryFailureCounters,
  createRedisFailureCounters,
  type FailureCounters,
} from './credential-limits.ts';
import { registerErrorHandling } from './errors.ts';

/** A route whose credential check passes for secret "right", fails with 401 otherwise; counts checks. */
async function guardedApp(counters: FailureCounters, settings = { perIp: 2, perKey: 3, windowMs: 60_000 }) {
  const warn = vi.fn();
  const limiter = createCredentialLimiter({ counters, nameSpace: 'test:authfail:', log: { warn } as never, ...settings });
  const app = Fastify({ logger: false });
  registerErrorHandling(app);
  let checks = 0;
  app.get('/guarded', async (request, reply) => {
    const { key, secret } = request.query as { key?: string; secret?: string };
    return limiter.guard(request, reply, key, async () => {
      checks += 1;
      if (secret !== 'right') throw Errors.invalidCredentials();
      return { ok: true };
    });
  });
  await app.ready();
  const call = (remoteAddress: string, secret: string, key = 'cb_key') =>
    app.inject({ url: `/guarded?key=${key}&secret=${secret}`, remoteAddress });
  return { call, warn, checks: () => checks };
}

describe('the failed-credential limiter', () => {
  it('refuses an IP past its failures with 429 and retry-after, without running the check', async () => {
    const { call, checks } = await guardedApp(createMemoryFailureCounters());
    expect((await call('10.0.0.1', 'wrong')).statusCode).toBe(401);
    expect((await call('10.0.0.1', 'wrong', 'cb_other')).statusCode).toBe(401);
    const locked = await call('10.0.0.1', 'right');
    expect(locked.statusCode).toBe(429);
    expect(locked.json()).toEqual({ error: expect.stringMatching(/^Too many failed/), code: 'HEYYO_ERR_RATE_LIMITED' });
    expect(Number(locked.headers['retry-after'])).toBe(60);
    expect(checks()).toBe(2);
    expect((await call('10.0.0.2', 'right')).statusCode).toBe(200);
  });

  it('counts one IPv6 /64 as one address', async () => {
    const { call } = await guardedApp(createMemoryFailureCounters());
    expect((await call('2001:db8:1:2::1', 'wrong')).statusCode).toBe(401);
    expect((await call('2001:db8:1:2::ffff', 'wrong')).statusCode).toBe(401);
    expect((await call('2001:db8:1:2:abcd::9', 'right')).statusCode).toBe(429);
    expect((await call('2001:db8:1:3::1', 'right')).statusCode).toBe(200);
  });

  it('lets the checks run again once the window is over', async () => {
    const { call } = await guardedApp(createMemoryFailureCounters(), { perIp: 1, perKey: 10, windowMs: 1000 });
    expect((await call('10.0.0.3', 'wrong')).statusCode).toBe(401);
    expect((await call('10.0.0.3', 'right')).statusCode).toBe(429);
    await new Promise((resolve) => setTimeout(resolve, 1050));
    expect((await call('10.0.0.3', 'right')).statusCode).toBe(200);
  });

  it('fails open, with one warning, when Redis does not answer within its deadline', async () => {
    const pipeline = { get: () => pipeline, pttl: () => pipeline, eval: () => pipeline, exec: () => new Promise(() => {}) };
    const hanging = { pipeline: () => pipeline } as unknown as Redis;
    const { call, warn, checks } = await guardedApp(createRedisFailureCounters(hanging, 20), { perIp: 1, perKey: 1, windowMs: 60_000 });
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
    const { call, warn } = await guardedApp(createRedisFailureCounters(failing), { perIp: 1, perKey: 1, windowMs: 60_000 });
    expect((await call('10.0.0.5', 'wrong')).statusCode).toBe(401);
    expect((await call('10.0.0.5', 'right')).statusCode).toBe(200);
    expect(warn).toHaveBeenCalled();
  });
});

describe('memory failure counters', () => {
  it('keep at most maxKeys counters, forgetting the oldest', async () => {
    const counters = createMemoryFailureCounters(2);
    await counters.charge(['a'], 60_000);
    await counters.charge(['b'], 60_000);
    await counters.charge(['c'], 60_000);
    const [a, b, c] = await counters.read(['a', 'b', 'c']);
    expect(a!.count).toBe(0);
    expect(b!.count).toBe(1);
    expect(c!.count).toBe(1);
  });
});
