/**
 * The PresenceStore contract, once, for every implementation: the Redis store
 * (Lua scripts, test/integration/presence-store-contract.test.ts) and the memory
 * engine's (libs/realtime/src/memory-presence-store.test.ts).
 *
 * Both stores take every time from Date.now() (the Redis scripts get it as an
 * argument; no Redis TTL is involved), so the suite fakes Date alone and moves it
 * by hand: TTLs expire exactly when the test says, without sleeping. Timers stay
 * real, so a Redis client works as usual.
 *
 * Not a *.test.ts file: vitest runs it only through a runner.
 */
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { AppId } from '@heyyo/database';
import type { PresenceConnection, PresenceIdentity, PresenceStore, PresenceStoreOptions } from '@heyyo/realtime';

/** A fresh, empty store with these options (each call: nothing shared with an earlier one). */
export type MakePresenceStore = (options: PresenceStoreOptions) => PresenceStore | Promise<PresenceStore>;

export interface PresenceContractOptions {
  /** Runs of the property (each run is a fresh store and up to 40 operations). @defaultValue 100 */
  propertyRuns?: number;
}

const START = 1_000_000;
const TTL = 1000;
const appId = 'a0000000-0000-4000-8000-000000000000' as AppId;

const connection = (userId: string, connectionId: string, externalId = `ext-${userId}`): PresenceConnection => ({
  appId,
  userId,
  externalId,
  connectionId,
});
const identity = (userId: string, externalId = `ext-${userId}`): PresenceIdentity => ({ appId, userId, externalId });

const advance = (ms: number) => vi.setSystemTime(Date.now() + ms);

/**
 * The identities a refresh or sweep reported, in order. Only the identity's fields: the Redis
 * store's refresh hands back the connections themselves (a PresenceIdentity with its connectionId).
 */
const who = (reported: readonly PresenceIdentity[]) =>
  reported.map(({ appId, userId, externalId }): PresenceIdentity => ({ appId, userId, externalId }));

/** Sweeps report users in no particular order. */
const byUser = (reported: readonly PresenceIdentity[]) => who(reported).sort((a, b) => a.userId.localeCompare(b.userId));

export function describePresenceStore(name: string, makeStore: MakePresenceStore, options: PresenceContractOptions = {}): void {
  describe(`the PresenceStore contract: ${name}`, () => {
    beforeEach(() => {
      vi.useFakeTimers({ toFake: ['Date'], now: START });
    });
    afterEach(() => {
      vi.useRealTimers();
    });

    it('reports online for the first connection and offline for the last, once each', async () => {
      const store = await makeStore({ ttlMs: TTL });
      expect(await store.connect(connection('u1', 'c1'))).toBe(true);
      expect(await store.connect(connection('u1', 'c2'))).toBe(false);
      expect(await store.onlineUserIds(appId, ['u1', 'u2'])).toEqual(new Set(['u1']));
      expect(await store.disconnect(connection('u1', 'c1'))).toBe(false);
      expect(await store.disconnect(connection('u1', 'c2'))).toBe(true);
      expect(await store.disconnect(connection('u1', 'c2'))).toBe(false);
      expect(await store.onlineUserIds(appId, ['u1'])).toEqual(new Set());
    });

    it('counts one connection id connected twice once', async () => {
      const store = await makeStore({ ttlMs: TTL });
      expect(await store.connect(connection('u1', 'c1'))).toBe(true);
      expect(await store.connect(connection('u1', 'c1'))).toBe(false);
      expect(await store.disconnect(connection('u1', 'c1'))).toBe(true);
      expect(await store.onlineUserIds(appId, ['u1'])).toEqual(new Set());
    });

    it('ignores the disconnect of a connection it does not know', async () => {
      const store = await makeStore({ ttlMs: TTL });
      expect(await store.disconnect(connection('nobody', 'c1'))).toBe(false);
      await store.connect(connection('u1', 'c1'));
      expect(await store.disconnect(connection('u1', 'unknown'))).toBe(false);
      expect(await store.onlineUserIds(appId, ['u1'])).toEqual(new Set(['u1']));
      expect(await store.disconnect(connection('u1', 'c1'))).toBe(true);
    });

    it('keeps users apart', async () => {
      const store = await makeStore({ ttlMs: TTL });
      expect(await store.connect(connection('u1', 'same-id'))).toBe(true);
      expect(await store.connect(connection('u2', 'same-id'))).toBe(true);
      expect(await store.disconnect(connection('u1', 'same-id'))).toBe(true);
      expect(await store.onlineUserIds(appId, ['u1', 'u2', 'u3'])).toEqual(new Set(['u2']));
      advance(TTL);
      expect(who(await store.sweep())).toEqual([identity('u2')]);
    });

    it('answers onlineUserIds for no users with an empty set', async () => {
      const store = await makeStore({ ttlMs: TTL });
      await store.connect(connection('u1', 'c1'));
      expect(await store.onlineUserIds(appId, [])).toEqual(new Set());
    });

    it('counts a connection as live until its expiry, not at it; the sweep takes it from then on', async () => {
      const store = await makeStore({ ttlMs: TTL });
      await store.connect(connection('u1', 'c1'));
      advance(TTL - 1);
      expect(await store.onlineUserIds(appId, ['u1'])).toEqual(new Set(['u1']));
      expect(who(await store.sweep())).toEqual([]);
      advance(1);
      // Expired but not yet swept: no longer online, not yet announced offline.
      expect(await store.onlineUserIds(appId, ['u1'])).toEqual(new Set());
      expect(who(await store.sweep())).toEqual([identity('u1')]);
    });

    it('keeps refreshed connections past the TTL and sweeps the rest offline, once', async () => {
      const store = await makeStore({ ttlMs: TTL });
      await store.connect(connection('kept', 'c1'));
      await store.connect(connection('lost', 'c2'));
      advance(600);
      expect(who(await store.refresh([connection('kept', 'c1')]))).toEqual([]);
      advance(600);
      expect(who(await store.sweep())).toEqual([identity('lost')]);
      expect(who(await store.sweep())).toEqual([]);
      expect(await store.onlineUserIds(appId, ['kept', 'lost'])).toEqual(new Set(['kept']));
    });

    it('drops only the expired connections of a user who still has a live one', async () => {
      const store = await makeStore({ ttlMs: TTL });
      await store.connect(connection('u1', 'old'));
      advance(900);
      await store.connect(connection('u1', 'new'));
      advance(200);
      expect(who(await store.sweep())).toEqual([]);
      expect(await store.onlineUserIds(appId, ['u1'])).toEqual(new Set(['u1']));
      advance(1000);
      expect(who(await store.sweep())).toEqual([identity('u1')]);
    });

    it('announces offline on the disconnect of the last live connection, expired ones aside; the sweep then has nothing', async () => {
      const store = await makeStore({ ttlMs: TTL });
      await store.connect(connection('u1', 'stale'));
      advance(900);
      await store.connect(connection('u1', 'live'));
      advance(200);
      expect(await store.disconnect(connection('u1', 'live'))).toBe(true);
      expect(await store.onlineUserIds(appId, ['u1'])).toEqual(new Set());
      advance(TTL);
      expect(who(await store.sweep())).toEqual([]);
      // Gone for good: coming back is news again.
      expect(await store.connect(connection('u1', 'again'))).toBe(true);
    });

    it('holds the announcement until the latest expiry the user had while online, even of a connection since closed', async () => {
      const store = await makeStore({ ttlMs: TTL });
      await store.connect(connection('u1', 'early'));
      advance(500);
      await store.connect(connection('u1', 'late'));
      advance(100);
      expect(await store.disconnect(connection('u1', 'late'))).toBe(false);
      advance(TTL - 600);
      // 'early' has expired: not online any more, but the announcement stands until 'late' would have expired.
      expect(await store.onlineUserIds(appId, ['u1'])).toEqual(new Set());
      expect(who(await store.sweep())).toEqual([]);
      advance(500);
      expect(who(await store.sweep())).toEqual([identity('u1')]);
    });

    it('announces a user online again when a refresh comes after a sweep gave them up, once for several connections', async () => {
      const store = await makeStore({ ttlMs: TTL });
      await store.connect(connection('u1', 'c1'));
      await store.connect(connection('u1', 'c2'));
      advance(1500);
      expect(await store.sweep()).toHaveLength(1);
      expect(who(await store.refresh([connection('u1', 'c1'), connection('u1', 'c2')]))).toEqual([identity('u1')]);
      expect(await store.onlineUserIds(appId, ['u1'])).toEqual(new Set(['u1']));
      expect(who(await store.refresh([connection('u1', 'c1')]))).toEqual([]);
    });

    it('announces online the user of a connection a refresh brings that it did not know; an empty refresh is nothing', async () => {
      const store = await makeStore({ ttlMs: TTL });
      expect(who(await store.refresh([]))).toEqual([]);
      expect(who(await store.refresh([connection('u1', 'c1')]))).toEqual([identity('u1')]);
      expect(await store.connect(connection('u1', 'c2'))).toBe(false);
      expect(await store.onlineUserIds(appId, ['u1'])).toEqual(new Set(['u1']));
    });

    it('reports identities as connected, external ids with colons included', async () => {
      const store = await makeStore({ ttlMs: TTL });
      const odd = connection('u1', 'c1', 'tenant:42:user name:ü');
      await store.connect(odd);
      advance(TTL);
      expect(who(await store.sweep())).toEqual([identity('u1', 'tenant:42:user name:ü')]);
      expect(who(await store.refresh([odd]))).toEqual([identity('u1', 'tenant:42:user name:ü')]);
    });

    it('sweeps at most sweepBatch users at a time; the next sweeps take the rest, each user once', async () => {
      const store = await makeStore({ ttlMs: TTL, sweepBatch: 2 });
      const users = ['u1', 'u2', 'u3', 'u4', 'u5'];
      for (const user of users) await store.connect(connection(user, 'c1'));
      advance(TTL);
      const batches = [await store.sweep(), await store.sweep(), await store.sweep(), await store.sweep()];
      expect(batches.map((batch) => batch.length)).toEqual([2, 2, 1, 0]);
      expect(byUser(batches.flat())).toEqual(users.map((user) => identity(user)));
    });

    describe('connection caps (admit)', () => {
      const otherApp = 'b0000000-0000-4000-8000-000000000000' as AppId;
      const ofApp = (app: AppId, userId: string, connectionId: string): PresenceConnection => ({
        ...connection(userId, connectionId),
        appId: app,
      });
      const admitted = (cameOnline: boolean) => ({ admitted: true, cameOnline });

      it('admits up to perUser live connections of a user and refuses the next, recording nothing', async () => {
        const store = await makeStore({ ttlMs: TTL });
        const caps = { perUser: 2, perApp: 100 };
        expect(await store.admit(connection('u1', 'c1'), caps)).toEqual(admitted(true));
        expect(await store.admit(connection('u1', 'c2'), caps)).toEqual(admitted(false));
        expect(await store.admit(connection('u1', 'c3'), caps)).toEqual({ admitted: false, full: 'user' });
        // Another user of the app is counted apart.
        expect(await store.admit(connection('u2', 'c1'), caps)).toEqual(admitted(true));
        // The refused connection was never recorded: its disconnect changes nothing.
        expect(await store.disconnect(connection('u1', 'c3'))).toBe(false);
        expect(await store.admit(connection('u1', 'c4'), caps)).toEqual({ admitted: false, full: 'user' });
      });

      it('refuses a user whose only connection would be over the cap without announcing them online', async () => {
        const store = await makeStore({ ttlMs: TTL });
        await store.admit(connection('u1', 'c1'), { perUser: 10, perApp: 1 });
        expect(await store.admit(connection('u2', 'c1'), { perUser: 10, perApp: 1 })).toEqual({ admitted: false, full: 'app' });
        expect(await store.onlineUserIds(appId, ['u1', 'u2'])).toEqual(new Set(['u1']));
        advance(TTL);
        expect(who(await store.sweep())).toEqual([identity('u1')]);
      });

      it('admits up to perApp live connections of an app, whoever holds them; other apps apart', async () => {
        const store = await makeStore({ ttlMs: TTL });
        const caps = { perUser: 10, perApp: 3 };
        expect(await store.admit(connection('u1', 'c1'), caps)).toEqual(admitted(true));
        expect(await store.admit(connection('u2', 'c1'), caps)).toEqual(admitted(true));
        expect(await store.admit(connection('u2', 'c2'), caps)).toEqual(admitted(false));
        expect(await store.admit(connection('u3', 'c1'), caps)).toEqual({ admitted: false, full: 'app' });
        expect(await store.admit(ofApp(otherApp, 'v1', 'c1'), caps)).toEqual(admitted(true));
        // A disconnect frees its slot.
        expect(await store.disconnect(connection('u2', 'c2'))).toBe(false);
        expect(await store.admit(connection('u3', 'c1'), caps)).toEqual(admitted(true));
      });

      it('counts connections made by connect and kept by refresh; frees the slots of expired ones (a crashed gateway)', async () => {
        const store = await makeStore({ ttlMs: TTL });
        const caps = { perUser: 2, perApp: 3 };
        await store.connect(connection('u1', 'kept'));
        await store.connect(connection('u1', 'crashed'));
        await store.connect(connection('u2', 'crashed'));
        expect(await store.admit(connection('u1', 'new'), caps)).toEqual({ admitted: false, full: 'user' });
        expect(await store.admit(connection('u3', 'new'), caps)).toEqual({ admitted: false, full: 'app' });
        advance(TTL - 1);
        await store.refresh([connection('u1', 'kept')]);
        expect(await store.admit(connection('u1', 'new'), caps)).toEqual({ admitted: false, full: 'user' });
        advance(1);
        // The unrefreshed connections expired, with no disconnect and no sweep: their slots are free.
        expect(await store.admit(connection('u1', 'new'), caps)).toEqual(admitted(false));
        expect(await store.admit(connection('u3', 'new'), caps)).toEqual(admitted(true));
        expect(await store.admit(connection('u4', 'new'), caps)).toEqual({ admitted: false, full: 'app' });
        // A sweep in between changes no count.
        expect(who(await store.sweep())).toEqual([identity('u2')]);
        expect(await store.admit(connection('u4', 'new'), caps)).toEqual({ admitted: false, full: 'app' });
      });

      it('tells connection ids of different users apart in the app count', async () => {
        const store = await makeStore({ ttlMs: TTL });
        const caps = { perUser: 10, perApp: 2 };
        await store.admit(connection('u1', 'same-id'), caps);
        await store.admit(connection('u2', 'same-id'), caps);
        expect(await store.admit(connection('u3', 'other'), caps)).toEqual({ admitted: false, full: 'app' });
        await store.disconnect(connection('u1', 'same-id'));
        expect(await store.admit(connection('u3', 'other'), caps)).toEqual(admitted(true));
      });

      it('gives the last slot to exactly one of many admissions at once', async () => {
        const store = await makeStore({ ttlMs: TTL });
        const perUser = await Promise.all(
          Array.from({ length: 12 }, (_, index) => store.admit(connection('u1', `c${index}`), { perUser: 5, perApp: 100 })),
        );
        expect(perUser.filter((outcome) => outcome.admitted)).toHaveLength(5);
        expect(perUser.filter((outcome) => outcome.admitted && outcome.cameOnline)).toHaveLength(1);
        const perApp = await Promise.all(
          Array.from({ length: 12 }, (_, index) => store.admit(ofApp(otherApp, `v${index}`, 'c1'), { perUser: 5, perApp: 7 })),
        );
        expect(perApp.filter((outcome) => outcome.admitted)).toHaveLength(7);
      });
    });

    /*
     * Any interleaving of connects, admissions, disconnects, heartbeats, sweeps and time for
     * a few connections of two users agrees with a model of the rules: a user is online iff
     * they have a live connection; the online and offline transitions alternate, each
     * reported by exactly one call; an admission is refused when the user, or the app, holds
     * its cap of live connections.
     */
    it('agrees with the model of presence under any interleaving (property)', async () => {
      const users = ['u0', 'u1'];
      const conn = fc.record({ user: fc.constantFrom(...users), id: fc.constantFrom('c0', 'c1', 'c2') });
      const op = fc.oneof(
        { weight: 4, arbitrary: fc.record({ kind: fc.constant('connect' as const), target: conn }) },
        { weight: 3, arbitrary: fc.record({ kind: fc.constant('admit' as const), target: conn }) },
        { weight: 4, arbitrary: fc.record({ kind: fc.constant('disconnect' as const), target: conn }) },
        { weight: 2, arbitrary: fc.record({ kind: fc.constant('refresh' as const), targets: fc.array(conn, { maxLength: 4 }) }) },
        { weight: 2, arbitrary: fc.record({ kind: fc.constant('sweep' as const) }) },
        { weight: 3, arbitrary: fc.record({ kind: fc.constant('advance' as const), ms: fc.integer({ min: 1, max: 1500 }) }) },
      );

      await fc.assert(
        fc.asyncProperty(fc.array(op, { maxLength: 40, size: 'max' }), async (ops) => {
          vi.setSystemTime(START);
          const store = await makeStore({ ttlMs: TTL });
          /** Per user: connection → expiry; announced online, until the latest expiry it had since (the Redis index's score). */
          const model = new Map(
            users.map((user) => [user, { connections: new Map<string, number>(), announced: false, announcedUntil: 0 }]),
          );
          /** Per user, the transitions the store reported, in order. */
          const reported = new Map<string, ('online' | 'offline')[]>(users.map((user) => [user, []]));
          const liveCount = (user: string) => [...model.get(user)!.connections.values()].filter((until) => until > Date.now()).length;
          const live = (user: string) => liveCount(user) > 0;
          const caps = { perUser: 2, perApp: 3 };
          const touch = (target: { user: string; id: string }) => {
            const state = model.get(target.user)!;
            const cameOnline = !state.announced;
            state.connections.set(target.id, Date.now() + TTL);
            state.announcedUntil = cameOnline ? Date.now() + TTL : Math.max(state.announcedUntil, Date.now() + TTL);
            state.announced = true;
            return cameOnline;
          };

          for (const step of ops) {
            switch (step.kind) {
              case 'connect': {
                const expected = touch(step.target);
                const actual = await store.connect(connection(step.target.user, step.target.id));
                expect(actual, `connect ${step.target.user}/${step.target.id}`).toBe(expected);
                if (actual) reported.get(step.target.user)!.push('online');
                break;
              }
              case 'admit': {
                const { user, id } = step.target;
                const total = users.reduce((sum, each) => sum + liveCount(each), 0);
                const expected =
                  liveCount(user) >= caps.perUser
                    ? { admitted: false, full: 'user' }
                    : total >= caps.perApp
                      ? { admitted: false, full: 'app' }
                      : { admitted: true, cameOnline: touch(step.target) };
                const actual = await store.admit(connection(user, id), caps);
                expect(actual, `admit ${user}/${id}`).toEqual(expected);
                if (actual.admitted && actual.cameOnline) reported.get(user)!.push('online');
                break;
              }
              case 'disconnect': {
                const state = model.get(step.target.user)!;
                state.connections.delete(step.target.id);
                let expected = false;
                if (!live(step.target.user)) {
                  expected = state.announced;
                  state.connections.clear();
                  state.announced = false;
                }
                const actual = await store.disconnect(connection(step.target.user, step.target.id));
                expect(actual, `disconnect ${step.target.user}/${step.target.id}`).toBe(expected);
                if (actual) reported.get(step.target.user)!.push('offline');
                break;
              }
              case 'refresh': {
                const expected = step.targets.filter(touch).map((target) => identity(target.user));
                const actual = await store.refresh(step.targets.map((target) => connection(target.user, target.id)));
                expect(who(actual), 'refresh').toEqual(expected);
                for (const who of actual) reported.get(who.userId)!.push('online');
                break;
              }
              case 'sweep': {
                const expected: PresenceIdentity[] = [];
                for (const [user, state] of model) {
                  // Announced, and the latest expiry it had since has passed (a connection that was
                  // disconnected while others lived still holds the announcement that long).
                  if (!state.announced || state.announcedUntil > Date.now()) continue;
                  state.connections.clear();
                  state.announced = false;
                  expected.push(identity(user));
                }
                const actual = await store.sweep();
                expect(byUser(actual), 'sweep').toEqual(byUser(expected));
                for (const who of actual) reported.get(who.userId)!.push('offline');
                break;
              }
              case 'advance':
                advance(step.ms);
                break;
            }
            const online = users.filter(live);
            expect(await store.onlineUserIds(appId, [...users, 'never-connected']), `online after ${step.kind}`).toEqual(
              new Set(online),
            );
          }

          for (const [user, transitions] of reported) {
            // Exactly once each: online, offline, online, … never twice in a row.
            expect(transitions, `transitions of ${user}`).toEqual(transitions.map((_, index) => (index % 2 === 0 ? 'online' : 'offline')));
            expect(transitions.at(-1) === 'online', `${user} announced`).toBe(model.get(user)!.announced);
          }
        }),
        { numRuns: options.propertyRuns ?? 100 },
      );
    });
  });
}
