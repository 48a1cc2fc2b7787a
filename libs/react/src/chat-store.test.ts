import { afterEach, describe, expect, it } from 'vitest';
import { ChatStore } from './chat-store.ts';
import { channelItem, FakeClient, listedMessage, ME, OTHER, serverMessage } from './testing/fake-client.ts';

const settle = () => new Promise((resolve) => setTimeout(resolve, 0));
const stores: ChatStore[] = [];

async function started(client: FakeClient): Promise<ChatStore> {
  const store = new ChatStore(client.asClient());
  stores.push(store);
  store.start();
  await settle();
  return store;
}

afterEach(() => stores.splice(0).forEach((store) => store.stop()));

describe('ChatStore', () => {
  it("counts others' new messages as unread, not the user's own, and follows the newest for the preview", async () => {
    const client = new FakeClient();
    client.channelList = [channelItem('a', { last_seq: 2, last_read_seq: 2 })];
    const store = await started(client);
    client.emit('message.new', serverMessage('a', 3, OTHER));
    client.emit('message.new', serverMessage('a', 4, ME));
    client.emit('message.new', serverMessage('a', 5, OTHER));
    const channel = store.getState().channels.byId.a!;
    expect(channel.unread_count).toBe(2);
    expect(channel.last_seq).toBe(5);
    expect(channel.lastMessage?.seq).toBe(5);
    // The user's other device read it: the count follows.
    client.emit('channel.read', { channelId: 'a', lastReadSeq: 5, unreadCount: 0, userId: ME });
    expect(store.getState().channels.byId.a!.unread_count).toBe(0);
  });

  it('shows a send at once, replaces it with the stored message once, and keeps a failed one for retry with the same clientId', async () => {
    const client = new FakeClient();
    client.channelList = [channelItem('a')];
    const store = await started(client);
    await store.openChannel('a');

    const sending = store.send('a', 'hello');
    expect(store.getState().lists.a!.pending.map((p) => [p.text, p.status])).toEqual([['hello', 'sending']]);
    await sending;
    // Its broadcast comes too: still one message.
    const stored = store.getState().lists.a!.messages[0]!;
    client.emit('message.new', serverMessage('a', stored.seq, ME, { text: 'hello', client_id: stored.clientId }));
    expect(store.getState().lists.a!.messages.map((m) => m.text)).toEqual(['hello']);
    expect(store.getState().lists.a!.pending).toEqual([]);

    client.sendBehaviour = 'fail';
    await store.send('a', 'lost?');
    const [failed] = store.getState().lists.a!.pending;
    expect(failed).toMatchObject({ text: 'lost?', status: 'failed', error: 'Service unavailable' });
    client.sendBehaviour = 'store';
    await store.retry(failed!);
    expect(store.getState().lists.a!.pending).toEqual([]);
    expect(client.sent.slice(-2).map((s) => s.clientId)).toEqual([failed!.clientId, failed!.clientId]);
  });

  it("replaces the optimistic copy when the broadcast comes before the send's answer", async () => {
    const client = new FakeClient();
    client.channelList = [channelItem('a')];
    const store = await started(client);
    await store.openChannel('a');
    client.sendBehaviour = 'hold';
    const sending = store.send('a', 'racing');
    await settle();
    const { clientId } = client.sent[0]!;
    client.emit('message.new', serverMessage('a', 1, ME, { text: 'racing', client_id: clientId ?? null }));
    expect(store.getState().lists.a!.pending).toEqual([]);
    expect(store.getState().lists.a!.messages.map((m) => m.text)).toEqual(['racing']);
    client.release();
    await sending;
  });

  it('applies reactions once per user and type, and edits and deletes in place', async () => {
    const client = new FakeClient();
    client.channelList = [channelItem('a', { last_seq: 1 })];
    client.history.a = [listedMessage('a', 1, OTHER)];
    const store = await started(client);
    await store.openChannel('a');
    const reaction = { channelId: 'a', messageId: 'a-m1', userId: OTHER, externalId: 'other', type: ':heart:', version: 3 };
    client.emit('reaction.new', reaction);
    client.emit('reaction.new', reaction);
    expect(store.getState().lists.a!.messages[0]!.reactions).toEqual({ ':heart:': [OTHER] });

    client.emit('message.updated', { ...serverMessage('a', 1, OTHER, { text: 'edited', edited_at: '2026-11-30T10:00:00.000Z' }), version: 4 });
    expect(store.getState().lists.a!.messages[0]).toMatchObject({ text: 'edited', editedAt: '2026-11-30T10:00:00.000Z', reactions: { ':heart:': [OTHER] } });

    client.emit('message.deleted', { channelId: 'a', messageId: 'a-m1', seq: 1, deletedAt: '2026-11-30T10:01:00.000Z', version: 5 });
    expect(store.getState().lists.a!.messages[0]).toMatchObject({ text: null, deletedAt: '2026-11-30T10:01:00.000Z' });
  });

  it("counts a reply on its parent once, and shows it in the parent's open thread", async () => {
    const client = new FakeClient();
    client.channelList = [channelItem('a', { last_seq: 1 })];
    client.history.a = [listedMessage('a', 1, OTHER)];
    const store = await started(client);
    await store.openChannel('a');
    await store.openThread('a', 'a-m1');
    const reply = serverMessage('a', 2, ME, { parent_id: 'a-m1', text: 'in the thread' });
    client.emit('message.new', reply);
    client.emit('message.new', reply);
    expect(store.getState().lists.a!.messages.map((m) => [m.seq, m.replyCount])).toEqual([[1, 1]]);
    expect(store.getState().threads['a-m1']!.replies.map((m) => m.text)).toEqual(['in the thread']);
    // The channel's preview stays its newest top-level message.
    expect(store.getState().channels.byId.a!.lastMessage?.seq).toBe(1);
  });

  it('reads the channel list again after a reconnect (reads and joins made meanwhile have no catch-up)', async () => {
    const client = new FakeClient();
    client.channelList = [channelItem('a', { unread_count: 3, last_seq: 3 })];
    const store = await started(client);
    client.emit('connection.changed', { state: 'connected' });
    client.emit('connection.changed', { state: 'reconnecting' });
    client.channelList = [channelItem('a', { unread_count: 0, last_seq: 3, last_read_seq: 3 }), channelItem('b')];
    client.emit('connection.changed', { state: 'connected' });
    await settle();
    expect(Object.keys(store.getState().channels.byId).sort()).toEqual(['a', 'b']);
    expect(store.getState().channels.byId.a!.unread_count).toBe(0);
    expect(store.getState().connection.caughtUpAt).not.toBeNull();
  });

  it("knows who is online in small channels from the start, and follows presence events", async () => {
    const client = new FakeClient();
    client.channelList = [channelItem('dm', { member_count: 2 }), channelItem('town-hall', { member_count: 5000 })];
    const member = { external_id: 'other', display_name: 'Other', avatar_url: null, role: 'member' as const, joined_at: '2026-11-30T09:00:00.000Z' };
    client.members.dm = [{ ...member, id: OTHER, is_online: true }];
    const store = await started(client);
    await settle();
    expect(client.detailsRead).toEqual(['dm']);
    expect(store.getState().online[OTHER]).toBe(true);
    client.emit('presence.changed', { userId: OTHER, externalId: 'other', status: 'offline' });
    expect(store.getState().online[OTHER]).toBe(false);
  });

  it('drops a channel the user left (on any device) or that was deleted', async () => {
    const client = new FakeClient();
    client.channelList = [channelItem('a'), channelItem('b')];
    const store = await started(client);
    client.emit('member.left', { channelId: 'a', userId: ME, externalId: 'me', version: 2 });
    client.emit('channel.deleted', { channelId: 'b', deletedBy: OTHER });
    expect(Object.keys(store.getState().channels.byId)).toEqual([]);
  });

  it('shows typing until typing.stop or their message, never the user themself', async () => {
    const client = new FakeClient();
    client.channelList = [channelItem('a')];
    const store = await started(client);
    client.emit('typing.start', { channelId: 'a', userId: OTHER, externalId: 'other' });
    client.emit('typing.start', { channelId: 'a', userId: ME, externalId: 'me' });
    expect(store.getState().typing.a!.map((user) => user.userId)).toEqual([OTHER]);
    client.emit('message.new', serverMessage('a', 1, OTHER));
    expect(store.getState().typing.a).toEqual([]);
  });

  it('marks read only when something is unread, and stops listening when stopped', async () => {
    const client = new FakeClient();
    client.channelList = [channelItem('a', { last_seq: 3, last_read_seq: 1, unread_count: 2 }), channelItem('b', { last_seq: 3, last_read_seq: 3 })];
    const store = await started(client);
    await store.markRead('a');
    await store.markRead('b');
    expect(client.markedRead).toEqual(['a']);
    expect(store.getState().channels.byId.a!.unread_count).toBe(0);
    store.stop();
    expect(client.listenerCount()).toBe(0);
  });
});
