import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { AppId } from '@heyyo/database';
import { createMemoryPresenceStore } from './memory-presence-store.ts';

const appId = 'a0000000-0000-4000-8000-000000000000' as AppId;
const connection = (userId: string, connectionId: string) => ({ appId, userId, externalId: `ext-${userId}`, connectionId });

/** The same transitions as the Redis store's Lua scripts (presence-scripts.ts). */
describe('the memory engine presence store', () => {
  beforeEach(() => vi.useFakeTimers({ now: 1_000_000 }));
  afterEach(() => vi.useRealTimers());

  it('reports online for the first connection and offline for the last, once each', async () => {
    const store = createMemoryPresenceStore({ ttlMs: 1000 });
    expect(await store.connect(connection('u1', 'c1'))).toBe(true);
    expect(await store.connect(connection('u1', 'c2'))).toBe(false);
    expect(await store.onlineUserIds(appId, ['u1', 'u2'])).toEqual(new Set(['u1']));
    expect(await store.disconnect(connection('u1', 'c1'))).toBe(false);
    expect(await store.disconnect(connection('u1', 'c2'))).toBe(true);
    expect(await store.disconnect(connection('u1', 'c2'))).toBe(false);
    expect(await store.onlineUserIds(appId, ['u1'])).toEqual(new Set());
  });

  it('keeps refreshed connections past the TTL and sweeps the rest offline, once', async () => {
    const store = createMemoryPresenceStore({ ttlMs: 1000 });
    await store.connect(connection('kept', 'c1'));
    await store.connect(connection('lost', 'c2'));
    vi.advanceTimersByTime(600);
    expect(await store.refresh([connection('kept', 'c1')])).toEqual([]);
    vi.advanceTimersByTime(600);
    expect(await store.sweep()).toEqual([{ appId, userId: 'lost', externalId: 'ext-lost' }]);
    expect(await store.sweep()).toEqual([]);
    expect(await store.onlineUserIds(appId, ['kept', 'lost'])).toEqual(new Set(['kept']));
  });

  it('drops only the expired connections of a user who still has a live one', async () => {
    const store = createMemoryPresenceStore({ ttlMs: 1000 });
    await store.connect(connection('u1', 'old'));
    vi.advanceTimersByTime(900);
    await store.connect(connection('u1', 'new'));
    vi.advanceTimersByTime(200);
    expect(await store.sweep()).toEqual([]);
    expect(await store.onlineUserIds(appId, ['u1'])).toEqual(new Set(['u1']));
    vi.advanceTimersByTime(1000);
    expect(await store.sweep()).toEqual([{ appId, userId: 'u1', externalId: 'ext-u1' }]);
  });

  it('announces a user online again when a refresh comes after a sweep gave them up', async () => {
    const store = createMemoryPresenceStore({ ttlMs: 1000 });
    await store.connect(connection('u1', 'c1'));
    vi.advanceTimersByTime(1500);
    expect(await store.sweep()).toHaveLength(1);
    expect(await store.refresh([connection('u1', 'c1')])).toEqual([{ appId, userId: 'u1', externalId: 'ext-u1' }]);
  });
});
