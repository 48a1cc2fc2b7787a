/**
 * Channel counters and unread counts are exact the moment a request is answered: they change in
 * the statements that change their rows (or are computed when read), with no worker in between.
 * Checked against a model over random histories, and under concurrent writers with reconcile.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { verifiedAppId } from '@heyyo/database';
import { useApiContext, type TestUser } from '../support/api-context.ts';

interface ModelMessage {
  seq: number;
  id: string;
  sender: number;
  deleted: boolean;
  createdAt: string;
}

type Op =
  | { kind: 'send'; by: number }
  | { kind: 'delete'; by: number; pick: number }
  | { kind: 'read'; by: number; seq?: number }
  | { kind: 'join' };

const MEMBERS = 3;
const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 5, arbitrary: fc.record({ kind: fc.constant('send' as const), by: fc.nat({ max: MEMBERS - 1 }) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('delete' as const), by: fc.nat({ max: MEMBERS - 1 }), pick: fc.nat() }) },
  {
    weight: 2,
    arbitrary: fc.record(
      { kind: fc.constant('read' as const), by: fc.nat({ max: MEMBERS - 1 }), seq: fc.nat({ max: 30 }) },
      { requiredKeys: ['kind', 'by'] },
    ),
  },
  { weight: 1, arbitrary: fc.constant({ kind: 'join' as const }) },
);

describe('counters', () => {
  const ctx = useApiContext();

  const listed = async (user: TestUser, channelId: string) => {
    const response = await ctx.request('GET', '/api/channels', { token: user.token });
    expect(response.status).toBe(200);
    return (response.body as Record<string, unknown>[]).find((item) => item.id === channelId)!;
  };

  it('match a model of any history of sends, deletes, reads and joins, right after each answer (property)', { timeout: 120_000 }, async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(opArb, { minLength: 1, maxLength: 12 }), async (ops) => {
        const owner = await ctx.newUser();
        const members = [owner, ...(await Promise.all(Array.from({ length: MEMBERS - 1 }, () => ctx.newUser(owner.app))))];
        const channel = await ctx.newChannel(owner, { members: members.slice(1).map((member) => member.id) });
        const messages: ModelMessage[] = [];
        const readSeq = members.map(() => 0);
        let memberCount = MEMBERS;

        for (const op of ops) {
          if (op.kind === 'send') {
            const sent = await ctx.send(members[op.by]!, channel.id);
            messages.push({ seq: sent.seq, id: sent.id, sender: op.by, deleted: false, createdAt: sent.created_at });
          } else if (op.kind === 'delete') {
            const own = messages.filter((message) => message.sender === op.by && !message.deleted);
            if (own.length === 0) continue;
            const target = own[op.pick % own.length]!;
            const response = await ctx.request('DELETE', `/api/channels/${channel.id}/messages/${target.id}`, {
              token: members[op.by]!.token,
            });
            expect(response.status).toBe(200);
            target.deleted = true;
          } else if (op.kind === 'read') {
            const response = await ctx.request('POST', `/api/channels/${channel.id}/read`, {
              token: members[op.by]!.token,
              body: op.seq === undefined ? {} : { seq: op.seq },
            });
            expect(response.status).toBe(200);
            const lastSeq = messages.length;
            readSeq[op.by] = Math.max(readSeq[op.by]!, Math.min(op.seq ?? lastSeq, lastSeq));
            expect(response.body.last_read_seq).toBe(readSeq[op.by]);
            expect(response.body.unread_count).toBe(unreadOf(messages, op.by, readSeq[op.by]!));
          } else {
            const joiner = await ctx.newUser(owner.app);
            expect((await ctx.request('POST', `/api/channels/${channel.id}/join`, { token: joiner.token })).status).toBe(200);
            memberCount++;
          }
        }

        const live = messages.filter((message) => !message.deleted);
        for (const [index, member] of members.entries()) {
          expect(await listed(member, channel.id)).toMatchObject({
            last_seq: messages.length,
            last_read_seq: readSeq[index],
            unread_count: unreadOf(messages, index, readSeq[index]!),
            message_count: live.length,
            member_count: memberCount,
            last_message_at: live.at(-1)?.createdAt ?? null,
          });
        }
      }),
      { numRuns: 15 },
    );
    expect(await ctx.repos.counters.reconcile(false)).toEqual({ channels: 0, messages: 0 });
  });

  it('stay exact under concurrent sends, deletes, joins, leaves and reads (reconcile finds 0 drift)', async () => {
    const owner = await ctx.newUser();
    const writers = await Promise.all(Array.from({ length: 6 }, () => ctx.newUser(owner.app)));
    const leavers = await Promise.all(Array.from({ length: 2 }, () => ctx.newUser(owner.app)));
    const channel = await ctx.newChannel(owner, { members: [...writers, ...leavers].map((member) => member.id) });
    const sent = await Promise.all(writers.flatMap((writer) => Array.from({ length: 5 }, () => ctx.send(writer, channel.id))));
    const newest = sent.toSorted((a, b) => b.seq - a.seq);

    const joiners = await Promise.all(Array.from({ length: 5 }, () => ctx.newUser(owner.app)));
    // Delete the two newest messages (last_message_at must fall back past both) while others write.
    await Promise.all([
      ...newest.slice(0, 2).map((message) =>
        ctx.request('DELETE', `/api/channels/${channel.id}/messages/${message.id}`, {
          token: writers.find((writer) => writer.id === message.user_id)!.token,
        }),
      ),
      ...joiners.map((joiner) => ctx.request('POST', `/api/channels/${channel.id}/join`, { token: joiner.token })),
      ...leavers.map((leaver) => ctx.request('POST', `/api/channels/${channel.id}/leave`, { token: leaver.token })),
      ...writers.map((writer) => ctx.request('POST', `/api/channels/${channel.id}/read`, { token: writer.token, body: { seq: 10 } })),
    ]);

    expect(await ctx.repos.counters.reconcile(false)).toEqual({ channels: 0, messages: 0 });
    const item = await listed(owner, channel.id);
    expect(item).toMatchObject({ message_count: 28, member_count: 12, last_message_at: newest[2]!.created_at, unread_count: 28 });
    // Each writer read to 10 and wrote 5 of the 30; unread = live messages of others after 10.
    for (const writer of writers) {
      const othersAfter = sent.filter(
        (message) => message.seq > 10 && message.user_id !== writer.id && !newest.slice(0, 2).includes(message),
      ).length;
      expect((await listed(writer, channel.id)).unread_count).toBe(othersAfter);
    }
  });

  it('keep reply_count and last_reply_at exact under concurrent replies and deletes of replies (reconcile finds 0 drift)', async () => {
    const owner = await ctx.newUser();
    const writers = await Promise.all(Array.from({ length: 4 }, () => ctx.newUser(owner.app)));
    const channel = await ctx.newChannel(owner, { members: writers.map((writer) => writer.id) });
    const parents = [await ctx.send(owner, channel.id), await ctx.send(owner, channel.id)];
    const replyTo = (writer: TestUser, parentIndex: number) => ctx.send(writer, channel.id, { text: 'reply', parent_id: parents[parentIndex]!.id });
    const first = await Promise.all(writers.flatMap((writer) => [replyTo(writer, 0), replyTo(writer, 1), replyTo(writer, 0)]));
    // Delete the newest replies of each thread (last_reply_at must fall back) while others reply.
    const doomed = first.toSorted((a, b) => b.seq - a.seq).slice(0, 5);
    await Promise.all([
      ...doomed.map((reply) =>
        ctx.request('DELETE', `/api/channels/${channel.id}/messages/${reply.id}`, {
          token: writers.find((writer) => writer.id === reply.user_id)!.token,
        }),
      ),
      ...writers.map((writer) => replyTo(writer, 1)),
    ]);
    expect(await ctx.repos.counters.reconcile(false)).toEqual({ channels: 0, messages: 0 });
    const history = async () =>
      (await ctx.request('GET', `/api/channels/${channel.id}/messages?limit=100`, { token: owner.token })).body as {
        parent_id: string | null;
        reply_count: number;
      }[];
    const listed = await history();
    const live = parents.map((parent) => listed.filter((message) => message.parent_id === parent.id).length);
    expect(listed.slice(0, 2).map((message) => message.reply_count)).toEqual(live);
    expect(live[0]! + live[1]!).toBe(12 - 5 + 4);

    // Drift (none of Heyyo's statements make it): reconcile reports it, repairs it, and pages show the repair.
    await ctx.sql`update messages set reply_count = 99, last_reply_at = null where id = ${parents[0]!.id}`;
    expect(await ctx.repos.counters.reconcile(true)).toEqual({ channels: 0, messages: 1 });
    expect(await ctx.repos.counters.reconcile(false)).toEqual({ channels: 0, messages: 0 });
    expect((await history())[0]!.reply_count).toBe(live[0]);
  });

  it('answers concurrent read marks (one statement for many) each with its own member’s state', async () => {
    const owner = await ctx.newUser();
    const readers = await Promise.all(Array.from({ length: 8 }, () => ctx.newUser(owner.app)));
    const channel = await ctx.newChannel(owner, { members: readers.map((reader) => reader.id) });
    for (let index = 0; index < 10; index++) await ctx.send(owner, channel.id);
    const stranger = await ctx.newUser(owner.app);
    const otherApp = await ctx.newUser();
    const mark = (user: TestUser, body: Record<string, unknown>) =>
      ctx.request('POST', `/api/channels/${channel.id}/read`, { token: user.token, body });

    // Reader i marks seq i+1; reader 0 also marks again (the newest) in the same burst.
    const [again, fromStranger, fromOtherApp, ...answers] = await Promise.all([
      mark(readers[0]!, {}),
      mark(stranger, { seq: 5 }),
      mark(otherApp, { seq: 5 }),
      ...readers.map((reader, index) => mark(reader, { seq: index + 1 })),
    ]);
    expect(fromStranger!.status).toBe(403);
    expect(fromOtherApp!.status).toBe(404);
    expect(again!.body).toMatchObject({ last_read_seq: 10, unread_count: 0 });
    answers.slice(1).forEach((answer, offset) => {
      const index = offset + 1;
      expect(answer.body).toEqual({ message: 'Channel marked read', last_read_seq: index + 1, unread_count: 10 - (index + 1) });
    });
    // Reader 0's two marks: whichever order they ran in, its position ends at the newest.
    expect(answers[0]!.body.last_read_seq).toBeGreaterThanOrEqual(1);
    expect((await listed(readers[0]!, channel.id)).last_read_seq).toBe(10);
    const [stored] = await ctx.sql`
      select count(*)::int as n from channel_members where channel_id = ${channel.id} and user_id = ${stranger.id}`;
    expect(stored!.n).toBe(0);
  });

  it('writes 50 concurrent read marks in a few statements (group commit), each answered with its own state', async () => {
    const owner = await ctx.newUser();
    const readers = await Promise.all(Array.from({ length: 50 }, () => ctx.newUser(owner.app)));
    const channel = await ctx.newChannel(owner, { members: readers.map((reader) => reader.id) });
    for (let index = 0; index < 3; index++) await ctx.send(owner, channel.id);
    const appId = verifiedAppId(owner.app.id);
    const states = await Promise.all(
      readers.map((reader, index) => ctx.repos.channels.markRead(appId, channel.id, reader.id, index % 4)),
    );
    states.forEach((state, index) => expect(state).toEqual({ lastReadSeq: index % 4, unreadCount: 3 - (index % 4) }));
    const [row] = await ctx.sql`
      select count(distinct xmin::text)::int as statements from channel_members
       where channel_id = ${channel.id} and user_id = any(${readers.map((reader) => reader.id)}::uuid[]) and last_read_seq > 0`;
    // 4 go out at once while nothing runs; the rest wait and share the next statement(s).
    expect(row!.statements).toBeLessThanOrEqual(6);
  });
});

/** Live messages of others after the read position. */
function unreadOf(messages: readonly ModelMessage[], member: number, readSeq: number): number {
  return messages.filter((message) => message.seq > readSeq && message.sender !== member && !message.deleted).length;
}
