/**
 * Input no schema field can be trusted with: NUL bytes, lone UTF-16 surrogates, nesting
 * deep enough to overflow an encoder, numbers past what a column holds, and signed tokens
 * that name nothing. Each is refused as a client error on REST and on the socket alike,
 * before anything is stored.
 */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { MAX_JSON_DEPTH } from '@heyyo/contracts';
import { useNodeContext } from '../support/node-context.ts';
import { forgeUserToken } from '../support/resources.ts';
import { emitWithAck } from '../support/sockets.ts';

const ctx = useNodeContext();

const NUL = 'must not contain NUL (\\u0000) characters';
const SURROGATE = 'must not contain unpaired UTF-16 surrogates';
const invalid = (error: string) => ({ error, code: 'HEYYO_ERR_VALIDATION' });

/** `[[[…]]]` `levels` deep: a few bytes a level, far under the metadata size limit. */
const nested = (levels: number): unknown => {
  let value: unknown = 'bottom';
  for (let level = 0; level < levels; level++) value = [value];
  return value;
};

async function room() {
  const owner = await ctx.newUser();
  const channel = await ctx.newChannel(owner);
  return { owner, channel, messagesUrl: `/api/channels/${channel.id}/messages` };
}

describe('hostile input', () => {
  describe('NUL bytes and lone surrogates', () => {
    it.each([
      ['text with NUL', { text: 'a\u0000b' }, `text ${NUL}`],
      ['text with a lone high surrogate', { text: 'a\uD800b' }, `text ${SURROGATE}`],
      ['text with a lone low surrogate', { text: '\uDC00' }, `text ${SURROGATE}`],
      ['metadata value with NUL', { text: 'x', metadata: { note: 'a\u0000' } }, `metadata.note ${NUL}`],
      ['metadata key with NUL', { text: 'x', metadata: { 'a\u0000': 1 } }, `metadata keys ${NUL}`],
      ['attachment with a surrogate', { attachments: [{ type: 'file', name: '\uD83D' }] }, `attachments.0.name ${SURROGATE}`],
      ['client_id with NUL', { text: 'x', client_id: 'id\u0000' }, `client_id ${NUL}`],
    ])('REST refuses %s with 400 and stores nothing', async (_name, body, error) => {
      const { owner, messagesUrl } = await room();
      const response = await ctx.request('POST', messagesUrl, { token: owner.token, body });
      expect(response.status).toBe(400);
      expect(response.body).toEqual(invalid(error));
      expect((await ctx.send(owner, (await ctx.request('GET', messagesUrl.replace('/messages', ''), { token: owner.token })).body.id)).seq).toBe(1);
    });

    it('keeps a well-formed surrogate pair (emoji) intact', async () => {
      const { owner, messagesUrl } = await room();
      const response = await ctx.request('POST', messagesUrl, { token: owner.token, body: { text: 'ok 👍🏽', metadata: { '🔑': '✓' } } });
      expect(response.status).toBe(201);
      expect(response.body.text).toBe('ok 👍🏽');
      expect(response.body.metadata).toEqual({ '🔑': '✓' });
    });

    it.each([
      ['a channel name', 'POST', '/api/channels', { name: 'gen\u0000eral' }, `name ${NUL}`],
      ['a channel description', 'POST', '/api/channels', { name: 'g', description: '\uDFFF' }, `description ${SURROGATE}`],
    ])('REST refuses NUL or a lone surrogate in %s', async (_name, method, url, body, error) => {
      const { owner } = await room();
      const response = await ctx.request(method, url, { token: owner.token, body });
      expect(response.status).toBe(400);
      expect(response.body).toEqual(invalid(error));
    });

    it('refuses them in token requests: user_id, api_key, display_name', async () => {
      const app = await ctx.newApp();
      const base = { api_key: app.api_key, api_secret: app.api_secret, user_id: 'u1' };
      for (const [body, error] of [
        [{ ...base, user_id: 'u\u0000' }, `user_id ${NUL}`],
        [{ ...base, api_key: 'cb_\u0000' }, `api_key ${NUL}`],
        [{ ...base, display_name: 'Jane\uD800' }, `display_name ${SURROGATE}`],
      ] as const) {
        const response = await ctx.request('POST', '/api/auth/token', { body });
        expect(response.status).toBe(400);
        expect(response.body).toEqual(invalid(error));
      }
    });

    it('refuses NUL in a path parameter with 400 rather than a 500 from Postgres', async () => {
      const { owner } = await room();
      const response = await ctx.request('GET', '/api/channels/%00', { token: owner.token });
      expect(response.status).toBe(400);
      expect(response.body).toEqual(invalid(`id ${NUL}`));
    });

    it('the socket refuses them with a validation ack: message.send, reaction.add, channel.join', async () => {
      const { owner, channel, messagesUrl } = await room();
      const message = await ctx.send(owner, channel.id, { text: 'target' });
      const socket = await ctx.connect(owner.token);
      expect(await emitWithAck(socket, 'message.send', { channelId: channel.id, text: 'a\u0000' })).toEqual(invalid(`text ${NUL}`));
      expect(await emitWithAck(socket, 'message.send', { channelId: channel.id, text: '\uD800' })).toEqual(invalid(`text ${SURROGATE}`));
      // Before: acknowledged, then failed in the worker 8 times and was lost.
      expect(await emitWithAck(socket, 'reaction.add', { messageId: message.id, type: ':x\u0000:' })).toEqual(invalid(`type ${NUL}`));
      expect(await emitWithAck(socket, 'channel.join', { channelId: '\u0000' })).toEqual(invalid(`channelId ${NUL}`));
      await ctx.settled();
      const history = await ctx.request('GET', messagesUrl, { token: owner.token });
      expect(history.body.map((entry: { text: string }) => entry.text)).toEqual(['target']);
      expect(history.body[0].reactions).toEqual([]);
    });
  });

  describe('nesting depth', () => {
    it(`REST refuses metadata nested deeper than ${MAX_JSON_DEPTH} levels, and stores nothing`, async () => {
      const { owner, channel, messagesUrl } = await room();
      // ~3,000 levels: under the 8 KB metadata limit, deep enough to overflow msgpack's encoder.
      const response = await ctx.request('POST', messagesUrl, { token: owner.token, body: { text: 'deep', metadata: { a: nested(3000) } } });
      expect(response.status).toBe(400);
      expect(response.body.error).toMatch(new RegExp(`^metadata\\.a(\\.0)+ must not nest deeper than ${MAX_JSON_DEPTH} levels$`));
      expect((await ctx.send(owner, channel.id, { text: 'next' })).seq).toBe(1);
    });

    it('accepts nesting within the limit', async () => {
      const { owner, messagesUrl } = await room();
      const metadata = { a: nested(MAX_JSON_DEPTH - 3) };
      const response = await ctx.request('POST', messagesUrl, { token: owner.token, body: { text: 'deep enough', metadata } });
      expect(response.status).toBe(201);
      expect(response.body.metadata).toEqual(metadata);
    });

    it('the socket refuses deep metadata with a validation ack', async () => {
      const { owner, channel } = await room();
      const socket = await ctx.connect(owner.token);
      const ack = await emitWithAck(socket, 'message.send', { channelId: channel.id, text: 'deep', metadata: { a: nested(3000) } });
      expect(ack.code).toBe('HEYYO_ERR_VALIDATION');
      expect(ack.error).toMatch(/must not nest deeper than/);
    });
  });

  describe('numbers past what a column holds', () => {
    it('refuses after_seq beyond bigint with 400', async () => {
      const { owner, messagesUrl } = await room();
      for (const afterSeq of ['99999999999999999999', '9223372036854775808', String(Number.MAX_SAFE_INTEGER + 1)]) {
        const response = await ctx.request('GET', `${messagesUrl}?after_seq=${afterSeq}`, { token: owner.token });
        expect(response.status, afterSeq).toBe(400);
        expect(response.body.error).toBe(`after_seq must be <= ${Number.MAX_SAFE_INTEGER}`);
      }
      const largest = await ctx.request('GET', `${messagesUrl}?after_seq=${Number.MAX_SAFE_INTEGER}`, { token: owner.token });
      expect(largest.status).toBe(200);
    });

    it('refuses a huge afterSeq over the socket and a huge read seq over REST', async () => {
      const { owner, channel } = await room();
      const socket = await ctx.connect(owner.token);
      const ack = await emitWithAck(socket, 'messages.sync', { channelId: channel.id, afterSeq: 1e20 });
      expect(ack).toEqual(invalid(`afterSeq must be <= ${Number.MAX_SAFE_INTEGER}`));
      const read = await ctx.request('POST', `/api/channels/${channel.id}/read`, { token: owner.token, body: { seq: 1e20 } });
      expect(read.status).toBe(400);
    });
  });

  describe('correctly signed tokens that name nothing', () => {
    const INVALID_TOKEN = { error: 'Invalid token', code: 'HEYYO_ERR_INVALID_TOKEN' };

    it('refuses a token whose sub or app_id is not a UUID with 403', async () => {
      const user = await ctx.newUser();
      for (const forged of [
        { ...user, id: 'not-a-uuid' },
        { ...user, app: { id: 'not-a-uuid' } },
      ]) {
        const token = await forgeUserToken(forged);
        const response = await ctx.request('POST', '/api/channels', { token, body: { name: 'x' } });
        expect(response.status).toBe(403);
        expect(response.body).toEqual(INVALID_TOKEN);
      }
    });

    it('refuses a token for a user that does not exist in its app, on REST and at the socket handshake', async () => {
      const user = await ctx.newUser();
      const other = await ctx.newUser();
      for (const forged of [
        { ...user, id: randomUUID() },
        // A real user, but of another app.
        { ...user, id: other.id },
      ]) {
        const token = await forgeUserToken(forged);
        const response = await ctx.request('POST', '/api/channels', { token, body: { name: 'x' } });
        expect(response.status).toBe(403);
        expect(response.body).toEqual(INVALID_TOKEN);
        await expect(ctx.connect(token)).rejects.toThrow();
      }
    });
  });
});
