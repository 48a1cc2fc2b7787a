import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useCluster } from '../support/cluster-context.ts';
import type { TestUser } from '../support/factories.ts';
import { runScript } from '../support/run-script.ts';
import { isIdle, queueStats } from '@heyyo/queue';
import { emitWithAck, nextEvent } from '../support/sockets.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** `npm run reconcile` as an operator runs it, against this file's database. */
function runReconcile(databaseUrl: string, ...args: string[]) {
  return runScript(
    ['--import', 'tsx', 'services/worker/src/reconcile.cli.ts', ...args],
    { DATABASE_URL: databaseUrl, HEYYO_DATA_DIR: mkdtempSync(join(tmpdir(), 'heyyo-rec-')) },
    ROOT,
  );
}

describe('the worker in a cluster (2 API nodes, 2 gateways, 1 worker)', () => {
  // One test opens 50 sockets of one user (HEYYO_MAX_CONNECTIONS_PER_USER is 20 by default).
  const ctx = useCluster({ apiNodes: 2, gatewayNodes: 2, workerNodes: 1, env: { HEYYO_MAX_CONNECTIONS_PER_USER: '100' } });
  let sql: postgres.Sql;
  beforeAll(() => {
    sql = postgres(ctx.databaseUrl, { max: 2, onnotice: () => {} });
  });
  afterAll(async () => {
    await sql?.end();
  });

  /** Stored counters that differ from a recount made here, independently of the product's SQL. */
  async function counterMismatches(channelId: string) {
    return sql`
      select c.id from channels c
       where c.id = ${channelId}
         and (c.message_count <> (select count(*) from messages m where m.channel_id = c.id and m.deleted_at is null)
           or c.member_count <> (select count(*) from channel_members cm where cm.channel_id = c.id)
           or c.last_message_at is distinct from (select max(created_at) from messages m
                                                   where m.channel_id = c.id and m.deleted_at is null))
      union all
      select m.channel_id from messages m
       where m.channel_id = ${channelId}
         and m.reaction_counts <> coalesce((select jsonb_object_agg(type, n) from (
               select type, count(*) n from reactions r where r.message_id = m.id and r.removed_at is null group by type) t),
             '{}'::jsonb)`;
  }

  async function room(size: number) {
    const app = await ctx.newApp();
    const users: TestUser[] = [];
    for (let index = 0; index < size; index++) users.push(await ctx.newUser(app, { externalId: `u${index}` }));
    const channel = await ctx.newChannel(users[0]!, { members: users.slice(1).map((user) => user.id) });
    return { users, channel };
  }

  it('persists a reaction added on gateway 1 and announces it to gateway 2 after the worker stored it', async () => {
    const { users, channel } = await room(2);
    const message = await ctx.send(users[0]!, channel.id, { text: 'react to me' });
    const [reactor, watcher] = [await ctx.connect(0, users[0]!.token), await ctx.connect(1, users[1]!.token)];
    const announced = nextEvent(watcher, 'reaction.new');
    expect(await emitWithAck(reactor, 'reaction.add', { messageId: message.id, type: ':heart:' })).toEqual({ success: true });
    expect(await announced).toEqual({
      messageId: message.id,
      channelId: channel.id,
      userId: users[0]!.id,
      externalId: 'u0',
      type: ':heart:',
      version: expect.any(Number),
    });
    // Announced only after the row exists.
    const [row] = await sql`select count(*)::int as n from reactions where message_id = ${message.id} and removed_at is null`;
    expect(row!.n).toBe(1);

    const removed = nextEvent(watcher, 'reaction.deleted');
    expect(await emitWithAck(reactor, 'reaction.remove', { messageId: message.id, type: ':heart:' })).toEqual({ success: true });
    expect((await removed).type).toBe(':heart:');
    await ctx.settled();
    const listed = await ctx.requestVia(1)('GET', `/api/channels/${channel.id}/messages`, { token: users[1]!.token });
    expect(listed.body[0]).toMatchObject({ reactions: [], reaction_counts: {} });
  });

  it('counts one reaction when one user adds it from 50 connections at once, and 50 when 50 users do', async () => {
    const { users, channel } = await room(50);
    const message = await ctx.send(users[0]!, channel.id, { text: 'popular' });
    const sameUser = await Promise.all(Array.from({ length: 50 }, (_, index) => ctx.connect(index % 2, users[1]!.token)));
    const everyone = await Promise.all(users.map((user, index) => ctx.connect(index % 2, user.token)));

    const acks = await Promise.all([
      ...sameUser.map((socket) => emitWithAck(socket, 'reaction.add', { messageId: message.id, type: ':fire:' })),
      ...everyone.map((socket) => emitWithAck(socket, 'reaction.add', { messageId: message.id, type: ':tada:' })),
    ]);
    expect(acks.every((ack) => ack.success === true)).toBe(true);
    await ctx.settled();

    const listed = await ctx.request('GET', `/api/channels/${channel.id}/messages`, { token: users[0]!.token });
    expect(listed.body[0].reaction_counts).toEqual({ ':fire:': 1, ':tada:': 50 });
    expect(listed.body[0].reactions.filter((reaction: { type: string }) => reaction.type === ':fire:')).toHaveLength(1);
    expect(await counterMismatches(channel.id)).toEqual([]);
  });

  it('leaves message_count exactly N after N concurrent sends across both gateways and both API nodes', async () => {
    const { users, channel } = await room(4);
    const sockets = await Promise.all(users.map((user, index) => ctx.connect(index % 2, user.token)));
    const N = 120;
    await Promise.all(
      Array.from({ length: N }, (_, index) =>
        index % 3 === 0
          ? ctx.requestVia(index % 2)('POST', `/api/channels/${channel.id}/messages`, {
              token: users[index % 4]!.token,
              body: { text: `rest ${index}` },
            })
          : emitWithAck(sockets[index % 4]!, 'message.send', { channelId: channel.id, text: `ws ${index}` }),
      ),
    );
    await ctx.settled();
    const listed = await ctx.request('GET', '/api/channels', { token: users[0]!.token });
    const item = listed.body.find((entry: { id: string }) => entry.id === channel.id);
    expect(item).toMatchObject({ message_count: N, member_count: 4, last_seq: N });
    expect(await counterMismatches(channel.id)).toEqual([]);
  });

  it('follows sends and reads with unread counts, and syncs the reader’s devices', async () => {
    const { users, channel } = await room(2);
    const [writer, reader] = users as [TestUser, TestUser];
    const unreadOf = async (user: TestUser) => {
      const listed = await ctx.request('GET', '/api/channels', { token: user.token });
      return listed.body.find((entry: { id: string }) => entry.id === channel.id);
    };
    for (let index = 0; index < 5; index++) await ctx.send(writer, channel.id, { text: `m${index}` });
    await ctx.send(reader, channel.id, { text: 'my own' });
    await ctx.settled();
    expect(await unreadOf(reader)).toMatchObject({ unread_count: 5, last_read_seq: 0, last_seq: 6 });
    expect(await unreadOf(writer)).toMatchObject({ unread_count: 1 });

    const [phone, laptop] = [await ctx.connect(0, reader.token), await ctx.connect(1, reader.token)];
    const synced = nextEvent(laptop, 'channel.read');
    expect(await emitWithAck(phone, 'channel.read', { channelId: channel.id, seq: 3 })).toEqual({
      channelId: channel.id,
      lastReadSeq: 3,
      unreadCount: 2,
    });
    expect(await synced).toEqual({ channelId: channel.id, userId: reader.id, lastReadSeq: 3, unreadCount: 2 });

    await ctx.send(writer, channel.id, { text: 'later' });
    await ctx.settled();
    expect(await unreadOf(reader)).toMatchObject({ unread_count: 3, last_read_seq: 3 });
    const marked = await ctx.requestVia(1)('POST', `/api/channels/${channel.id}/read`, { token: reader.token, body: {} });
    expect(marked.body).toEqual({ message: 'Channel marked read', last_read_seq: 7, unread_count: 0 });
    expect(await counterMismatches(channel.id)).toEqual([]);
  });

  it('loses no acknowledged reaction and leaves 0 drift when the worker is SIGKILLed mid-burst and replaced', async () => {
    const { users, channel } = await room(20);
    const messages: { id: string }[] = [];
    for (let index = 0; index < 5; index++) messages.push(await ctx.send(users[0]!, channel.id, { text: `target ${index}` }));
    const sockets = await Promise.all(users.map((user, index) => ctx.connect(index % 2, user.token)));
    // The first announcement proves the worker is busy with the burst: kill it then.
    const killed = nextEvent(sockets[0]!, 'reaction.new').then(() => ctx.cluster.workers[0]!.stop('SIGKILL'));

    const acknowledged: { userId: string; messageId: string; type: string }[] = [];
    const burst = Promise.all(
      sockets.flatMap((socket, userIndex) =>
        messages.flatMap((message) =>
          [':a:', ':b:'].map(async (type) => {
            const ack = await emitWithAck(socket, 'reaction.add', { messageId: message.id, type });
            if (ack.success) acknowledged.push({ userId: users[userIndex]!.id, messageId: message.id, type });
          }),
        ),
      ),
    );
    const sends = Promise.all(
      Array.from({ length: 60 }, (_, index) => emitWithAck(sockets[index % 20]!, 'message.send', { channelId: channel.id, text: `b${index}` })),
    );
    expect(await killed).toBeNull();
    await Promise.all([burst, sends]);
    // Acknowledged work is waiting in Redis with no worker alive.
    expect(isIdle(await queueStats(ctx.queues))).toBe(false);
    await ctx.cluster.add('worker');
    await ctx.settled(30_000);

    expect(acknowledged).toHaveLength(20 * 5 * 2);
    const stored = await sql`
      select user_id, message_id, type from reactions where message_id in ${sql(messages.map((message) => message.id))}
         and removed_at is null`;
    const key = (row: { userId?: string; user_id?: string; messageId?: string; message_id?: string; type: string }) =>
      `${row.userId ?? row.user_id}|${row.messageId ?? row.message_id}|${row.type}`;
    expect(new Set(stored.map((row) => key(row as never)))).toEqual(new Set(acknowledged.map(key)));
    expect(await counterMismatches(channel.id)).toEqual([]);

    const reconcile = await runReconcile(ctx.databaseUrl, '--dry-run');
    expect(reconcile.code, reconcile.output).toBe(0);
    expect(reconcile.output).toContain('total drift: 0');
  });
});
