/**
 * Threads: a reply is a message with `parent_id` (in the channel history too); its parent's
 * `reply_count` and `last_reply_at` move in the statement that stores it and the transaction that
 * deletes it, so they are exact under concurrency; `GET …/messages/:messageId/replies` pages a
 * thread like the history. Threads are one level deep: a reply to a reply is a 400.
 */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { TestUser } from '../support/factories.ts';
import { useNodeContext } from '../support/node-context.ts';
import { emitWithAck, nextEvent, record } from '../support/sockets.ts';

interface Listed {
  id: string;
  seq: number;
  text: string | null;
  parent_id: string | null;
  created_at: string;
  reply_count: number;
  last_reply_at: string | null;
  [key: string]: unknown;
}

describe('threads', () => {
  const ctx = useNodeContext();

  /** ann owns a channel with bob in it, and has posted the thread's parent. */
  async function thread() {
    const app = await ctx.newApp();
    const [ann, bob] = [await ctx.newUser(app, { externalId: 'ann' }), await ctx.newUser(app, { externalId: 'bob' })];
    const channel = await ctx.newChannel(ann, { members: [bob.id] });
    const parent = await ctx.send(ann, channel.id, { text: 'parent' });
    return { app, ann, bob, channel, parent };
  }
  const reply = (user: TestUser, channelId: string, parentId: string, text = 'reply') =>
    ctx.send(user, channelId, { text, parent_id: parentId });
  const history = async (user: TestUser, channelId: string): Promise<Listed[]> => {
    const response = await ctx.request('GET', `/api/channels/${channelId}/messages?limit=100`, { token: user.token });
    expect(response.status).toBe(200);
    return response.body;
  };
  const listedById = async (user: TestUser, channelId: string, id: string) => (await history(user, channelId)).find((message) => message.id === id)!;
  const replies = (user: TestUser, channelId: string, parentId: string, query = '') =>
    ctx.request('GET', `/api/channels/${channelId}/messages/${parentId}/replies${query}`, { token: user.token });

  it('counts a reply on its parent at once, keeps it in the history, and pages the thread like the history', async () => {
    const { ann, bob, channel, parent } = await thread();
    expect(parent).toMatchObject({ reply_count: 0, last_reply_at: null });
    // The page is cached before the reply: the reply must make it stale.
    expect((await listedById(bob, channel.id, parent.id)).reply_count).toBe(0);

    const bobSocket = await ctx.connect(bob.token);
    const heard = nextEvent(bobSocket, 'message.new', (message) => message.parent_id === parent.id);
    const first = await reply(bob, channel.id, parent.id, 'first');
    expect(first).toMatchObject({ parent_id: parent.id, reply_count: 0, last_reply_at: null });
    // The reply is the announcement: message.new with its parent_id, nothing for the parent.
    expect(await heard).toEqual(first);
    const annSocket = await ctx.connect(ann.token);
    const second = (await emitWithAck(annSocket, 'message.send', { channelId: channel.id, text: 'second', parentId: parent.id })).message;

    const listed = await history(bob, channel.id);
    expect(listed.map((message) => message.text)).toEqual(['parent', 'first', 'second']);
    expect(listed[0]).toMatchObject({ id: parent.id, reply_count: 2, last_reply_at: second.created_at });

    const thread1 = await replies(bob, channel.id, parent.id);
    expect(thread1.status).toBe(200);
    expect(thread1.body).toEqual(listed.slice(1));

    // Paged like the history: the newest `limit`, oldest first; back with `before`.
    const third = await reply(ann, channel.id, parent.id, 'third');
    expect((await replies(bob, channel.id, parent.id, '?limit=2')).body.map((message: Listed) => message.text)).toEqual(['second', 'third']);
    const back = await replies(bob, channel.id, parent.id, `?limit=2&before=${encodeURIComponent(second.created_at)}`);
    expect(back.body.map((message: Listed) => message.text)).toEqual(['first']);
    expect((await replies(bob, channel.id, parent.id, '?limit=1000')).body).toHaveLength(3);
    // A message with no replies has an empty thread; a reply's parent is counted, not the reply.
    expect((await replies(bob, channel.id, third.id)).body).toEqual([]);
    expect(await listedById(bob, channel.id, third.id)).toMatchObject({ reply_count: 0, last_reply_at: null });
  });

  it('counts exactly under concurrent replies, on REST and sockets together, and only the replies', async () => {
    const { ann, bob, channel, parent } = await thread();
    const other = await ctx.send(bob, channel.id, { text: 'another parent' });
    const bobSocket = await ctx.connect(bob.token);
    const sends = await Promise.all([
      ...Array.from({ length: 10 }, (_, index) => reply(index % 2 ? ann : bob, channel.id, parent.id, `rest ${index}`)),
      ...Array.from({ length: 10 }, (_, index) =>
        emitWithAck(bobSocket, 'message.send', { channelId: channel.id, text: `socket ${index}`, parentId: parent.id }).then((ack) => ack.message),
      ),
      ...Array.from({ length: 5 }, (_, index) => reply(ann, channel.id, other.id, `other ${index}`)),
      ...Array.from({ length: 5 }, (_, index) => ctx.send(ann, channel.id, { text: `plain ${index}` })),
    ]);
    const newest = (parentId: string) =>
      sends.filter((message) => message.parent_id === parentId).map((message) => message.created_at).sort().at(-1);
    expect(await listedById(ann, channel.id, parent.id)).toMatchObject({ reply_count: 20, last_reply_at: newest(parent.id) });
    expect(await listedById(ann, channel.id, other.id)).toMatchObject({ reply_count: 5, last_reply_at: newest(other.id) });
    expect((await replies(ann, channel.id, parent.id, '?limit=100')).body).toHaveLength(20);
  });

  it('lowers the count when a reply is deleted, finds the newest reply again, and tells the channel', async () => {
    const { ann, bob, channel, parent } = await thread();
    const [first, second] = [await reply(bob, channel.id, parent.id, 'first'), await reply(bob, channel.id, parent.id, 'second')];
    const annSocket = await ctx.connect(ann.token);
    // Cached before the delete: the delete must make it stale.
    expect((await listedById(ann, channel.id, parent.id)).reply_count).toBe(2);

    const updated = nextEvent(annSocket, 'message.updated');
    expect((await ctx.request('DELETE', `/api/channels/${channel.id}/messages/${second.id}`, { token: bob.token })).status).toBe(200);
    const parentNow = await listedById(ann, channel.id, parent.id);
    expect(parentNow).toMatchObject({ reply_count: 1, last_reply_at: first.created_at });
    // The parent as it is now: the one event a client needs (it cannot know the newest reply left).
    expect(await updated).toMatchObject({ id: parent.id, text: 'parent', reply_count: 1, last_reply_at: first.created_at, edited_at: null });
    expect((await replies(ann, channel.id, parent.id)).body.map((message: Listed) => message.id)).toEqual([first.id]);

    // A moderator's delete counts the same; deleting again changes nothing.
    const seen = record(annSocket, 'message.updated');
    expect((await ctx.request('DELETE', `/api/channels/${channel.id}/messages/${first.id}`, { token: ann.token })).status).toBe(200);
    expect((await ctx.request('DELETE', `/api/channels/${channel.id}/messages/${first.id}`, { token: bob.token })).status).toBe(404);
    expect(await listedById(ann, channel.id, parent.id)).toMatchObject({ reply_count: 0, last_reply_at: null });
    // A plain message's delete sends no message.updated: a barrier send proves none is in flight.
    const plain = await ctx.send(ann, channel.id, { text: 'plain' });
    const barrier = nextEvent(annSocket, 'message.new', (message) => message.text === 'barrier');
    await ctx.request('DELETE', `/api/channels/${channel.id}/messages/${plain.id}`, { token: ann.token });
    await ctx.send(ann, channel.id, { text: 'barrier' });
    await barrier;
    expect(seen.map((message) => [message.id, message.reply_count])).toEqual([[parent.id, 0]]);
  });

  it('keeps a deleted parent’s replies readable, and its thread closed to new replies', async () => {
    const { ann, bob, channel, parent } = await thread();
    const first = await reply(bob, channel.id, parent.id);
    await ctx.request('DELETE', `/api/channels/${channel.id}/messages/${parent.id}`, { token: ann.token });
    expect((await replies(bob, channel.id, parent.id)).body.map((message: Listed) => message.id)).toEqual([first.id]);
    const refused = await ctx.request('POST', `/api/channels/${channel.id}/messages`, { token: bob.token, body: { text: 'late', parent_id: parent.id } });
    expect(refused).toMatchObject({ status: 404, body: { code: 'HEYYO_ERR_PARENT_NOT_FOUND' } });
  });

  it('refuses a reply to a reply with a 400, storing nothing', async () => {
    const { bob, channel, parent } = await thread();
    const first = await reply(bob, channel.id, parent.id);
    const refused = await ctx.request('POST', `/api/channels/${channel.id}/messages`, { token: bob.token, body: { text: 'nested', parent_id: first.id } });
    expect(refused).toMatchObject({
      status: 400,
      body: { code: 'HEYYO_ERR_VALIDATION', error: 'Cannot reply to a reply: set parent_id to the message that started the thread' },
    });
    const socket = await ctx.connect(bob.token);
    expect(await emitWithAck(socket, 'message.send', { channelId: channel.id, text: 'nested', parentId: first.id })).toMatchObject({
      code: 'HEYYO_ERR_VALIDATION',
    });
    const listed = await history(bob, channel.id);
    expect(listed.map((message) => message.seq)).toEqual([1, 2]);
    expect(listed.map((message) => message.reply_count)).toEqual([1, 0]);
  });

  it('shows the counts in a catch-up (messages.sync) too', async () => {
    const { bob, channel, parent } = await thread();
    const first = await reply(bob, channel.id, parent.id);
    const socket = await ctx.connect(bob.token);
    const { messages } = await emitWithAck(socket, 'messages.sync', { channelId: channel.id, afterSeq: 0 });
    expect(messages.map((message: Listed) => [message.id, message.reply_count, message.last_reply_at])).toEqual([
      [parent.id, 1, first.created_at],
      [first.id, 0, null],
    ]);
  });

  it("refuses strangers, other apps' ids and bad queries", async () => {
    const { app, bob, channel, parent } = await thread();
    const outsider = await ctx.newUser(app);
    const otherApp = await ctx.newUser();
    const otherChannel = await ctx.newChannel(otherApp);
    const otherMessage = await ctx.send(otherApp, otherChannel.id);
    expect(await replies(outsider, channel.id, parent.id)).toMatchObject({ status: 403, body: { error: 'Not a member of this channel' } });
    expect(await replies(otherApp, channel.id, parent.id)).toMatchObject({ status: 404, body: { code: 'HEYYO_ERR_CHANNEL_NOT_FOUND' } });
    expect(await replies(bob, channel.id, otherMessage.id)).toMatchObject({ status: 404, body: { code: 'HEYYO_ERR_MESSAGE_NOT_FOUND' } });
    expect(await replies(bob, channel.id, randomUUID())).toMatchObject({ status: 404, body: { code: 'HEYYO_ERR_MESSAGE_NOT_FOUND' } });
    expect(await replies(bob, channel.id, 'not-a-uuid')).toMatchObject({ status: 404, body: { code: 'HEYYO_ERR_MESSAGE_NOT_FOUND' } });
    expect(await replies(bob, channel.id, parent.id, '?after_seq=0')).toMatchObject({ status: 400, body: { error: 'unknown field "after_seq"' } });
    expect(await replies(bob, channel.id, parent.id, '?limit=0')).toMatchObject({ status: 400 });
    // Another app's message as a parent is a missing parent, and counts nowhere.
    const crossReply = await ctx.request('POST', `/api/channels/${channel.id}/messages`, { token: bob.token, body: { text: 'x', parent_id: otherMessage.id } });
    expect(crossReply).toMatchObject({ status: 404, body: { code: 'HEYYO_ERR_PARENT_NOT_FOUND' } });
    expect((await history(otherApp, otherChannel.id))[0]).toMatchObject({ reply_count: 0 });
  });
});
