import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDb, createMessagesRepository, verifiedAppId, type AppId, type DatabaseHandle } from '@heyyo/database';
import { useApiContext } from '../support/api-context.ts';
import type { TestUser } from '../support/factories.ts';

/**
 * Concurrent sends share multi-row statements (group commit). Each send must still get
 * exactly what it would get alone: its own message, the channel's next seq, a clientId
 * replay answered with the original, an error only for itself.
 */
describe('messages.insert under concurrency (coalesced statements)', () => {
  const ctx = useApiContext();
  let database: DatabaseHandle;
  beforeAll(() => {
    database = createDb({ url: ctx.config.database.url, poolMax: 10 });
  });
  afterAll(async () => {
    await database?.close();
  });

  const repository = () => createMessagesRepository(database.db);
  const message = (text: string, clientId: string | null = null) => ({ text, attachments: [], metadata: { text }, parentId: null, clientId });
  const appOf = (user: TestUser): AppId => verifiedAppId(user.app.id);

  /** Channels of one app, each with every user as a member. */
  async function channels(count: number, users: number) {
    const owner = await ctx.newUser();
    const others = await Promise.all(Array.from({ length: users - 1 }, () => ctx.newUser(owner.app)));
    const members = [owner, ...others];
    const ids = [];
    for (let index = 0; index < count; index++) {
      ids.push((await ctx.newChannel(owner, { name: `batch-${index}`, members: others.map((user) => user.id) })).id);
    }
    return { members, ids };
  }

  /** How many statements (transactions) wrote the channel's messages. */
  async function statementsFor(channelIds: string[]) {
    const [row] = await ctx.sql`select count(distinct xmin::text)::int as n from messages where channel_id = any(${channelIds}::uuid[])`;
    return row!.n as number;
  }

  it('gives 300 concurrent sends over 5 channels their own messages, gap-free seqs and increasing times, in fewer statements', async () => {
    const { members, ids } = await channels(5, 3);
    const messages = repository();
    const sends = Array.from({ length: 300 }, (_, index) => ({
      user: members[index % members.length]!,
      channelId: ids[index % ids.length]!,
      text: `send ${index}`,
    }));
    const results = await Promise.all(
      sends.map(async (send) => (await messages.insert(appOf(send.user), send.channelId, send.user.id, message(send.text)))!),
    );
    results.forEach((result, index) => {
      expect(result.created).toBe(true);
      expect(result.message.text).toBe(sends[index]!.text);
      expect(result.message.metadata).toEqual({ text: sends[index]!.text });
      expect(result.message.channelId).toBe(sends[index]!.channelId);
      expect(result.message.userId).toBe(sends[index]!.user.id);
    });
    for (const channelId of ids) {
      const stored = await ctx.sql`select seq from messages where channel_id = ${channelId} order by seq`;
      expect(stored.map((row) => Number(row.seq))).toEqual(Array.from({ length: 60 }, (_, index) => index + 1));
      const [order] = await ctx.sql`
        select count(*)::int as n from (
          select created_at <= lag(created_at) over (order by seq) as out_of_order from messages where channel_id = ${channelId}
        ) t where out_of_order`;
      expect(order!.n).toBe(0);
      const [channel] = await ctx.sql`select last_seq from channels where id = ${channelId}`;
      expect(Number(channel!.last_seq)).toBe(60);
    }
    const statements = await statementsFor(ids);
    expect(statements).toBeLessThanOrEqual(20);
  });

  it('answers every repeat of a clientId, in or across statements, with the one stored message', async () => {
    const { members, ids } = await channels(1, 1);
    const [user] = members;
    const messages = repository();
    const earlier = (await messages.insert(appOf(user!), ids[0]!, user!.id, message('first', 'retry-0')))!;
    const results = await Promise.all(
      Array.from({ length: 60 }, async (_, index) =>
        (await messages.insert(appOf(user!), ids[0]!, user!.id, message(`send ${index}`, `retry-${index % 3}`)))!,
      ),
    );
    expect(results.filter((result) => result.created)).toHaveLength(2);
    for (const result of results.filter((candidate) => candidate.message.clientId === 'retry-0')) {
      expect(result).toMatchObject({ created: false, message: { id: earlier.message.id, text: 'first' } });
    }
    const byClientId = new Map<string, string>();
    for (const result of results) {
      const known = byClientId.get(result.message.clientId!);
      if (known) expect(result.message.id).toBe(known);
      else byClientId.set(result.message.clientId!, result.message.id);
    }
    const stored = await ctx.sql`select seq from messages where channel_id = ${ids[0]!} order by seq`;
    expect(stored.map((row) => Number(row.seq))).toEqual([1, 2, 3]);
  });

  it('stores nothing for the send whose channel is not in its app (undefined), and the others sharing its statement', async () => {
    const { members, ids } = await channels(2, 2);
    const stranger = await ctx.newUser();
    const foreign = await ctx.newChannel(stranger);
    const messages = repository();
    const sends = Array.from({ length: 40 }, (_, index) =>
      index === 17
        ? messages.insert(appOf(members[0]!), foreign.id, members[0]!.id, message('wrong app'))
        : messages.insert(appOf(members[index % 2]!), ids[index % 2]!, members[index % 2]!.id, message(`send ${index}`)),
    );
    const settled = await Promise.allSettled(sends);
    expect(settled.filter((outcome) => outcome.status === 'rejected')).toEqual([]);
    expect(settled.map((outcome) => outcome.status === 'fulfilled' && outcome.value === undefined)).toEqual(
      Array.from({ length: 40 }, (_, index) => index === 17),
    );
    const [foreignChannel] = await ctx.sql`select last_seq from channels where id = ${foreign.id}`;
    expect(Number(foreignChannel!.last_seq)).toBe(0);
    for (const channelId of ids) {
      const stored = await ctx.sql`select seq from messages where channel_id = ${channelId} order by seq`;
      expect(stored.map((row) => Number(row.seq))).toEqual(Array.from({ length: stored.length }, (_, index) => index + 1));
    }
  });
});
