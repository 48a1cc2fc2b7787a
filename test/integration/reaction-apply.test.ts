import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDb, createReactionsRepository, verifiedAppId, type DatabaseHandle } from '@heyyo/database';
import { useApiContext } from '../support/api-context.ts';

/** What the worker logs with an applied reaction (these tests apply them as it does). */
const LOGGED = { event: 'reaction.new', payload: {} };

/** Reaction changes racing in parallel workers: each transition is reported exactly once. */
describe('reactions.apply under concurrency', () => {
  const ctx = useApiContext();
  let database: DatabaseHandle;
  beforeAll(() => {
    database = createDb({ url: ctx.config.database.url, poolMax: 20 });
  });
  afterAll(async () => {
    await database?.close();
  });

  async function target() {
    const user = await ctx.newUser();
    const channel = await ctx.newChannel(user);
    const message = await ctx.send(user, channel.id);
    return { appId: verifiedAppId(user.app.id), userId: user.id, messageId: message.id };
  }

  it('reports one change for 20 identical adds at once', async () => {
    const reactions = createReactionsRepository(database.db);
    for (let round = 0; round < 5; round++) {
      const { appId, userId, messageId } = await target();
      const results = await Promise.all(
        Array.from({ length: 20 }, (_, index) =>
          reactions.apply(appId, { messageId, userId, type: ':x:', present: true, version: 1000 + index }, LOGGED),
        ),
      );
      expect(results.filter((result) => result.changed)).toHaveLength(1);
    }
  });

  it('keeps reported transitions consistent with the final state when adds and removes race', async () => {
    const reactions = createReactionsRepository(database.db);
    for (let round = 0; round < 10; round++) {
      const { appId, userId, messageId } = await target();
      const changes = Array.from({ length: 10 }, (_, index) => ({ present: index % 2 === 0, version: 1000 + index }));
      const results = await Promise.all(
        changes.map((change) => reactions.apply(appId, { messageId, userId, type: ':y:', ...change }, LOGGED)),
      );
      const [row] = await ctx.sql`
        select removed_at is null as present, version from reactions
         where message_id = ${messageId} and user_id = ${userId} and type = ':y:'`;
      // The newest version wins, whatever order the jobs ran in.
      expect(Number(row!.version)).toBe(1009);
      expect(row!.present).toBe(false);
      // Starting absent, ups minus downs is where it ended: no announcement is missing or extra.
      const ups = results.filter((result, index) => result.changed && changes[index]!.present).length;
      const downs = results.filter((result, index) => result.changed && !changes[index]!.present).length;
      expect(ups - downs).toBe(row!.present ? 1 : 0);
    }
  });
});
