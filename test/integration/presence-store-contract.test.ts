/**
 * The Redis presence store (Lua scripts) against the PresenceStore contract, on the
 * test Redis under a key prefix of its own, removed afterwards. Redis-only (REDIS_ONLY
 * in vitest.config.ts): the memory store runs the same contract as a unit test.
 */
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, inject } from 'vitest';
import { createPresenceStore, redisKeys } from '@heyyo/realtime';
import { describePresenceStore } from '../contracts/presence-store.contract.ts';
import { deleteKeys } from '../support/resources.ts';

const prefix = `${inject('runId')}:presence-contract-${randomBytes(4).toString('hex')}:`;
let redis: Redis | undefined;
let stores = 0;

beforeAll(() => {
  redis = new Redis(inject('redisUrl'));
});

afterAll(async () => {
  if (!redis) return;
  try {
    await deleteKeys(redis, prefix);
  } finally {
    await redis.quit();
  }
});

// Each store gets keys of its own: nothing one test leaves is seen by the next.
describePresenceStore('Redis', (options) => createPresenceStore(redis!, redisKeys(`${prefix}${stores++}:`), options), {
  propertyRuns: 100,
});
