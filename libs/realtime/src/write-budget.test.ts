import type { Redis } from 'ioredis';
import { describe, expect, it, vi } from 'vitest';
import { createWriteBudget } from './write-budget.ts';

const ann = { appId: 'app-1', userId: 'ann' };

/**
 * A stand-in for ioredis as rate-limiter-flexible uses it: `defineCommand` and the command it
 * defines (`rlflxIncr`, its INCR script), answering with `answer`.
 */
function fakeRedis(answer: (call: number) => Promise<[number, number]>, status = 'ready') {
  let calls = 0;
  const client = {
    status,
    defineCommand: () => {},
    rlflxIncr: () => answer(++calls),
  };
  return { redis: client as unknown as Redis, calls: () => calls };
}

describe('the per-user write budget', () => {
  it('in the process: allows `points` writes per user and window, then says how long to wait', async () => {
    const budget = createWriteBudget({ points: 3, windowSeconds: 60, redis: undefined, keyPrefix: 'w', log: { warn: vi.fn() } });
    for (let index = 0; index < 3; index++) expect(await budget.spend(ann)).toEqual({ ok: true });
    const refused = await budget.spend(ann);
    expect(refused).toEqual({ ok: false, retryAfterSeconds: expect.any(Number) });
    expect(!refused.ok && refused.retryAfterSeconds).toBeGreaterThanOrEqual(59);
    // Per user, and per app.
    expect(await budget.spend({ ...ann, userId: 'bob' })).toEqual({ ok: true });
    expect(await budget.spend({ ...ann, appId: 'app-2' })).toEqual({ ok: true });
  });

  it('in Redis: a user past the budget is refused by this node without another round trip until the window ends', async () => {
    const { redis, calls } = fakeRedis(async (call) => [call, 4200]);
    const budget = createWriteBudget({ points: 2, windowSeconds: 10, redis, keyPrefix: 'w', log: { warn: vi.fn() } });
    expect(await budget.spend(ann)).toEqual({ ok: true });
    expect(await budget.spend(ann)).toEqual({ ok: true });
    expect(await budget.spend(ann)).toEqual({ ok: false, retryAfterSeconds: 5 });
    expect(await budget.spend(ann)).toEqual({ ok: false, retryAfterSeconds: 5 });
    expect(calls()).toBe(2);
  });

  it('fails open within its deadline when Redis does not answer, warning once per 10 s', async () => {
    const { redis } = fakeRedis(() => new Promise(() => {}));
    const warn = vi.fn();
    const budget = createWriteBudget({ points: 1, windowSeconds: 10, redis, keyPrefix: 'w', deadlineMs: 50, log: { warn } });
    const startedAt = performance.now();
    expect(await budget.spend(ann)).toEqual({ ok: true });
    expect(await budget.spend(ann)).toEqual({ ok: true });
    expect(performance.now() - startedAt).toBeLessThan(1000);
    expect(warn).toHaveBeenCalledTimes(1);
  });

  it('fails open at once while the Redis connection is down, and when Redis errs', async () => {
    const down = fakeRedis(() => new Promise(() => {}), 'reconnecting');
    const log = { warn: vi.fn() };
    const offline = createWriteBudget({ points: 1, windowSeconds: 10, redis: down.redis, keyPrefix: 'w', deadlineMs: 5000, log });
    const startedAt = performance.now();
    expect(await offline.spend(ann)).toEqual({ ok: true });
    expect(performance.now() - startedAt).toBeLessThan(1000);
    expect(down.calls()).toBe(0);

    const failing = fakeRedis(() => Promise.reject(new Error('OOM command not allowed')));
    const erring = createWriteBudget({ points: 1, windowSeconds: 10, redis: failing.redis, keyPrefix: 'w', log });
    expect(await erring.spend(ann)).toEqual({ ok: true });
    expect(log.warn).toHaveBeenCalledTimes(2);
  });
});
