/**
 * Editing one's own message (REST `PATCH …/messages/:messageId`, socket `message.update`): the
 * new content under a send's rules, `edited_at` set, `message.updated` to the channel, and the
 * history showing it at once; anyone else's message, or a deleted one, is a 404.
 */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { useNodeContext } from '../support/node-context.ts';
import { emitWithAck, nextEvent } from '../support/sockets.ts';

const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

describe('editing a message', () => {
  const ctx = useNodeContext();

  async function pairWithMessage() {
    const app = await ctx.newApp();
    const [ann, bob] = [await ctx.newUser(app, { externalId: 'ann' }), await ctx.newUser(app, { externalId: 'bob' })];
    const channel = await ctx.newChannel(ann, { members: [bob.id] });
    const sent = await ctx.send(ann, channel.id, { text: 'first', attachments: [{ type: 'image', url: 'https://example.com/a.png' }], metadata: { v: 1 } });
    return { ann, bob, channel, sent };
  }
  const patch = (token: string, channelId: string, messageId: string, body: unknown) =>
    ctx.request('PATCH', `/api/channels/${channelId}/messages/${messageId}`, { token, body });

  it('replaces the text, keeps what was not given, and tells the channel', async () => {
    const { ann, bob, channel, sent } = await pairWithMessage();
    const bobSocket = await ctx.connect(bob.token);
    const heard = nextEvent(bobSocket, 'message.updated');
    // The page is cached before the edit: the edit must make it stale.
    expect((await ctx.request('GET', `/api/channels/${channel.id}/messages`, { token: bob.token })).body[0].text).toBe('first');
    const edited = await patch(ann.token, channel.id, sent.id, { text: 'first, edited' });
    expect(edited.status).toBe(200);
    expect(edited.body).toEqual({
      ...sent,
      text: 'first, edited',
      edited_at: expect.stringMatching(ISO),
      updated_at: expect.stringMatching(ISO),
    });
    expect(await heard).toEqual({ ...edited.body, version: expect.any(Number) });
    const [listed] = (await ctx.request('GET', `/api/channels/${channel.id}/messages`, { token: bob.token })).body;
    expect(listed).toMatchObject({ id: sent.id, seq: 1, text: 'first, edited', attachments: sent.attachments, metadata: { v: 1 }, edited_at: edited.body.edited_at });

    const replaced = await patch(ann.token, channel.id, sent.id, { text: 'again', attachments: [], metadata: { v: 2 } });
    expect(replaced.body).toMatchObject({ text: 'again', attachments: [], metadata: { v: 2 } });
  });

  it('edits over the socket too, acknowledged with the message as it is now', async () => {
    const { ann, channel, sent } = await pairWithMessage();
    const socket = await ctx.connect(ann.token);
    const ack = await emitWithAck(socket, 'message.update', { channelId: channel.id, messageId: sent.id, text: 'from the socket' });
    expect(ack.message).toMatchObject({ id: sent.id, text: 'from the socket', edited_at: expect.stringMatching(ISO) });
    expect(await emitWithAck(socket, 'message.update', { channelId: channel.id, messageId: sent.id })).toMatchObject({
      code: 'HEYYO_ERR_VALIDATION',
      error: 'text is required',
    });
  });

  it("refuses someone else's, a deleted or a missing message, and bad content, changing nothing", async () => {
    const { ann, bob, channel, sent } = await pairWithMessage();
    const notFound = { status: 404, body: { error: 'Message not found or unauthorized' } };
    expect(await patch(bob.token, channel.id, sent.id, { text: 'hijack' })).toMatchObject(notFound);
    // Moderators delete others' messages; they do not edit them.
    await ctx.request('PATCH', `/api/channels/${channel.id}/members/${bob.id}`, { token: ann.token, body: { role: 'moderator' } });
    expect(await patch(bob.token, channel.id, sent.id, { text: 'hijack' })).toMatchObject(notFound);
    expect(await patch(ann.token, channel.id, randomUUID(), { text: 'x' })).toMatchObject(notFound);
    const stranger = await ctx.newUser();
    expect(await patch(stranger.token, channel.id, sent.id, { text: 'x' })).toMatchObject({ status: 404 });
    expect(await patch(ann.token, channel.id, sent.id, { text: '   ', attachments: [] })).toMatchObject({
      status: 400,
      body: { error: 'Message must have text or attachments' },
    });
    expect(await patch(ann.token, channel.id, sent.id, { text: 'x'.repeat(4001) })).toMatchObject({ status: 400 });
    expect(await patch(ann.token, channel.id, sent.id, { text: 'x', parent_id: null })).toMatchObject({ status: 400, body: { error: 'unknown field "parent_id"' } });
    const [unchanged] = (await ctx.request('GET', `/api/channels/${channel.id}/messages`, { token: ann.token })).body;
    expect(unchanged).toMatchObject({ text: 'first', edited_at: null });

    await ctx.request('DELETE', `/api/channels/${channel.id}/messages/${sent.id}`, { token: ann.token });
    expect(await patch(ann.token, channel.id, sent.id, { text: 'back' })).toMatchObject(notFound);
  });
});
