/**
 * A user's lifecycle on the server API: `PATCH /api/users/:id`, deactivation (`DELETE`), its way
 * back (`POST …/reactivate`), erasure (`DELETE …?hard=true`: tombstones, reactions and memberships
 * gone, counters exact, members told) and `GET …/export`. Every refusal changes nothing; another
 * app's user is a 404 everywhere.
 */
import { decodeJwt } from 'jose';
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ERASURE_BATCH } from '@heyyo/chat';
import { UserExport } from '@heyyo/contracts';
import { checkShape, compileValidator } from '@heyyo/contracts/validation';
import { verifiedAppId } from '@heyyo/database';
import { apiCredentials, type TestApp, type TestUser } from '../support/factories.ts';
import { useNodeContext } from '../support/node-context.ts';
import { connectClient, nextEvent } from '../support/sockets.ts';

/** What the worker logs with an applied reaction (these tests apply them as it does). */
const LOGGED = { event: 'reaction.new', payload: {} };

describe('user lifecycle (server API)', () => {
  const ctx = useNodeContext();
  const server = (app: TestApp, method: string, path: string, body?: unknown) =>
    ctx.request(method, path, { headers: apiCredentials(app), ...(body === undefined ? {} : { body }) });
  const getUser = (app: TestApp, id: string) => server(app, 'GET', `/api/users/${id}`);
  const mint = (app: TestApp, userId: string, extra: Record<string, unknown> = {}) =>
    ctx.request('POST', '/api/auth/token', { body: { api_key: app.api_key, api_secret: app.api_secret, user_id: userId, ...extra } });
  const history = (user: TestUser, channelId: string) => ctx.request('GET', `/api/channels/${channelId}/messages?limit=100`, { token: user.token });
  /** The catch-up page: every seq, deleted messages as tombstones. */
  const catchUp = (user: TestUser, channelId: string) =>
    ctx.request('GET', `/api/channels/${channelId}/messages?limit=100&after_seq=0`, { token: user.token });
  const react = (user: TestUser, channelId: string, messageId: string, type: string) =>
    ctx.request('POST', `/api/channels/${channelId}/messages/${messageId}/reactions`, { token: user.token, body: { type } });
  const repos = () => ctx.node.wiring.repos;
  const validExport = compileValidator(UserExport, 'response');

  describe('PATCH /api/users/:id', () => {
    it('changes the fields given, keeps the others, clears with null, and history shows the new name at once', async () => {
      const app = await ctx.newApp();
      const ann = await ctx.newUser(app, { display_name: 'Ann', avatar_url: 'https://example.com/ann.png' });
      const channel = await ctx.newChannel(ann);
      await ctx.send(ann, channel.id);
      // Read (and so cached) with the old name.
      expect((await history(ann, channel.id)).body[0].user_display_name).toBe('Ann');

      const renamed = await server(app, 'PATCH', `/api/users/${ann.id}`, { display_name: 'Annie', metadata: { plan: 'pro' } });
      expect(renamed).toMatchObject({
        status: 200,
        body: { id: ann.id, display_name: 'Annie', avatar_url: 'https://example.com/ann.png', metadata: { plan: 'pro' }, deactivated_at: null },
      });
      expect((await history(ann, channel.id)).body[0].user_display_name).toBe('Annie');

      const cleared = await server(app, 'PATCH', `/api/users/${ann.id}`, { avatar_url: null });
      expect(cleared.body).toMatchObject({ display_name: 'Annie', avatar_url: null, metadata: { plan: 'pro' } });
      expect((await history(ann, channel.id)).body[0].user_avatar_url).toBeNull();
      expect((await getUser(app, ann.id)).body).toEqual(cleared.body);
    });

    it('refuses a bad body with 400 and changes nothing', async () => {
      const app = await ctx.newApp();
      const bo = await ctx.newUser(app, { display_name: 'Bo' });
      await server(app, 'PATCH', `/api/users/${bo.id}`, { metadata: { kept: true } });
      const before = (await getUser(app, bo.id)).body;
      const tooBig = { blob: 'x'.repeat(ctx.config.limits.metadataBytes) };
      for (const body of [{ nickname: 'b' }, { display_name: 5 }, { avatar_url: 'javascript:alert(1)' }, { metadata: tooBig }, { metadata: [1] }]) {
        const response = await server(app, 'PATCH', `/api/users/${bo.id}`, body);
        expect(response.status, JSON.stringify(body).slice(0, 60)).toBe(400);
        expect(response.body).toMatchObject({ error: expect.any(String), code: 'HEYYO_ERR_VALIDATION' });
      }
      expect((await getUser(app, bo.id)).body).toEqual(before);
    });
  });

  describe('DELETE /api/users/:id (deactivation)', () => {
    it('refuses every token of the user on REST and live sockets at once, and mints none', async () => {
      const app = await ctx.newApp();
      const cy = await ctx.newUser(app, { externalId: 'cy', display_name: 'Cy' });
      const channel = await ctx.newChannel(cy);
      // Remembered as verified on REST; a second token on a live socket.
      expect((await ctx.request('GET', '/api/channels', { token: cy.token })).status).toBe(200);
      const onSocket = (await mint(app, 'cy')).body.token as string;
      const socket = await ctx.connect(onSocket);
      const revoked = nextEvent(socket, 'auth.revoked');
      const disconnected = new Promise((resolve) => socket.once('disconnect', resolve));

      const response = await server(app, 'DELETE', `/api/users/${cy.id}`);
      expect(response).toMatchObject({ status: 200, body: { id: cy.id, external_id: 'cy', deactivated_at: expect.any(String), erased_at: null } });
      expect(await ctx.request('GET', '/api/channels', { token: cy.token })).toMatchObject({
        status: 403,
        body: { error: 'User is deactivated', code: 'HEYYO_ERR_USER_DEACTIVATED' },
      });
      expect(await revoked).toEqual({ code: 'HEYYO_ERR_USER_DEACTIVATED' });
      await disconnected;
      await expect(connectClient(ctx.url, onSocket)).rejects.toMatchObject({ data: { code: 'HEYYO_ERR_USER_DEACTIVATED' } });

      // No new token, and the refused request changed nothing (not even the profile it carried).
      expect(await mint(app, 'cy', { display_name: 'Changed' })).toMatchObject({
        status: 403,
        body: { error: 'User is deactivated', code: 'HEYYO_ERR_USER_DEACTIVATED' },
      });
      expect((await getUser(app, cy.id)).body).toEqual(response.body);
      // Registering them again does not reactivate them.
      expect((await server(app, 'POST', '/api/users', { user_id: 'cy' })).body.deactivated_at).toBe(response.body.deactivated_at);
      expect((await mint(app, 'cy')).status).toBe(403);
      // Twice is harmless and changes nothing.
      expect(await server(app, 'DELETE', `/api/users/${cy.id}`)).toMatchObject({ status: 200, body: { deactivated_at: response.body.deactivated_at } });
      // Memberships and messages stay.
      expect((await repos().channels.listMembers(verifiedAppId(app.id), channel.id)).map((member) => member.userId)).toEqual([cy.id]);
    });

    it('is undone by reactivate: new tokens work, the ones from before stay refused', async () => {
      const app = await ctx.newApp();
      const di = await ctx.newUser(app, { externalId: 'di' });
      const channel = await ctx.newChannel(di);
      await server(app, 'DELETE', `/api/users/${di.id}`);

      const back = await server(app, 'POST', `/api/users/${di.id}/reactivate`);
      expect(back).toMatchObject({ status: 200, body: { id: di.id, deactivated_at: null, erased_at: null } });
      expect(await ctx.request('GET', '/api/channels', { token: di.token })).toMatchObject({ status: 403, body: { code: 'HEYYO_ERR_TOKEN_REVOKED' } });
      const fresh = await mint(app, 'di');
      expect(fresh.status).toBe(200);
      const channels = await ctx.request('GET', '/api/channels', { token: fresh.body.token });
      expect(channels.body.map((listed: { id: string }) => listed.id)).toEqual([channel.id]);
      // Reactivating an active user changes nothing.
      const active = (await getUser(app, di.id)).body;
      expect((await server(app, 'POST', `/api/users/${di.id}/reactivate`)).body).toEqual(active);
    });
  });

  describe('DELETE /api/users/:id?hard=true (erasure)', () => {
    /** Ann, to be erased; Bo and Cy stay. Ann owns `general` (with Bo) and is a member of Bo's `side` (with Cy). */
    async function world() {
      const app = await ctx.newApp();
      const ann = await ctx.newUser(app, { externalId: 'ann', display_name: 'Ann', avatar_url: 'https://example.com/ann.png' });
      const [bo, cy] = [await ctx.newUser(app, { externalId: 'bo' }), await ctx.newUser(app, { externalId: 'cy' })];
      await server(app, 'PATCH', `/api/users/${ann.id}`, { metadata: { crm: 42 } });
      const general = await ctx.newChannel(ann, { members: [bo.id] });
      const side = await ctx.newChannel(bo, { members: [ann.id, cy.id] });
      const sent = {
        annFirst: await ctx.send(ann, general.id, { text: 'mine', metadata: { secret: 1 }, attachments: [{ type: 'file', url: 'https://example.com/f' }] }),
        boInGeneral: await ctx.send(bo, general.id, { text: 'hi Ann' }),
        annDeleted: await ctx.send(ann, side.id, { text: 'oops' }),
        boInSide: await ctx.send(bo, side.id, { text: 'hello' }),
        annLast: await ctx.send(ann, side.id, { text: 'bye' }),
      };
      await ctx.request('DELETE', `/api/channels/${side.id}/messages/${sent.annDeleted.id}`, { token: ann.token });
      expect((await react(ann, side.id, sent.boInSide.id, ':heart:')).status).toBe(200);
      expect((await react(cy, side.id, sent.boInSide.id, ':heart:')).status).toBe(200);
      expect((await react(bo, general.id, sent.annFirst.id, ':wave:')).status).toBe(200);
      await ctx.settled();
      return { app, ann, bo, cy, general, side, sent };
    }

    it('leaves tombstones, removes reactions and memberships, keeps counters exact, and tells the members', async () => {
      const { app, ann, bo, cy, general, side, sent } = await world();
      // Cached pages, to prove they are not served stale afterwards.
      expect((await history(bo, side.id)).body).toHaveLength(2);
      expect((await catchUp(bo, side.id)).body).toHaveLength(3);
      expect((await history(bo, general.id)).body).toHaveLength(2);
      const [boSocket, cySocket] = [await ctx.connect(bo.token), await ctx.connect(cy.token)];
      const boHears = nextEvent(boSocket, 'member.left', (event) => event.channelId === general.id);
      const cyHears = nextEvent(cySocket, 'member.left', (event) => event.channelId === side.id);

      const erased = await server(app, 'DELETE', `/api/users/${ann.id}?hard=true`);
      expect(erased).toMatchObject({ status: 200 });
      expect(erased.body).toEqual({
        id: ann.id,
        external_id: `heyyo-erased:${ann.id}`,
        display_name: null,
        avatar_url: null,
        metadata: {},
        deactivated_at: expect.any(String),
        erased_at: expect.any(String),
        created_at: expect.any(String),
        updated_at: expect.any(String),
      });
      expect(await boHears).toEqual({ channelId: general.id, userId: ann.id, externalId: 'ann', version: expect.any(Number) });
      expect(await cyHears).toEqual({ channelId: side.id, userId: ann.id, externalId: 'ann', version: expect.any(Number) });

      // Tombstones in place (seqs gap-free), authored by the anonymous user; reactions recounted.
      const sideHistory = (await catchUp(bo, side.id)).body;
      expect(sideHistory.map((message: { seq: number }) => message.seq)).toEqual([1, 2, 3]);
      expect((await history(bo, side.id)).body.map((message: { id: string }) => message.id)).toEqual([sent.boInSide.id]);
      for (const message of sideHistory.filter((listed: { user_id: string }) => listed.user_id === ann.id)) {
        expect(message).toMatchObject({ text: null, attachments: [], metadata: {}, deleted_at: expect.any(String), user_external_id: `heyyo-erased:${ann.id}`, user_display_name: null });
      }
      const boMessage = sideHistory.find((listed: { id: string }) => listed.id === sent.boInSide.id);
      expect(boMessage).toMatchObject({ text: 'hello', reaction_counts: { ':heart:': 1 } });
      expect(boMessage.reactions.map((reaction: { user_id: string }) => reaction.user_id)).toEqual([cy.id]);
      expect((await history(bo, general.id)).body.map((message: { id: string }) => message.id)).toEqual([sent.boInGeneral.id]);
      const generalTombstone = (await catchUp(bo, general.id)).body[0];
      expect(generalTombstone).toMatchObject({ id: sent.annFirst.id, text: null, deleted_at: expect.any(String), reaction_counts: { ':wave:': 1 } });

      // The rows themselves hold nothing of what Ann wrote (not just the presented tombstones).
      const exported = await server(app, 'GET', `/api/users/${ann.id}/export`);
      expect(exported.body.messages.map((message: { text: unknown; attachments: unknown; metadata: unknown; client_id: unknown }) => [message.text, message.attachments, message.metadata, message.client_id])).toEqual([
        [null, [], {}, null],
        [null, [], {}, null],
        [null, [], {}, null],
      ]);
      expect(exported.body).toMatchObject({ memberships: [], reactions: [], user: erased.body, token_revocations: { revoked_tokens: [] } });

      // Memberships gone (Ann's own channel keeps Bo), counters exact by a full recount.
      const details = await ctx.request('GET', `/api/channels/${general.id}`, { token: bo.token });
      expect(details.body).toMatchObject({ member_count: 1, message_count: 1 });
      expect(details.body.members.map((member: { id: string }) => member.id)).toEqual([bo.id]);
      const sideDetails = await ctx.request('GET', `/api/channels/${side.id}`, { token: bo.token });
      expect(sideDetails.body).toMatchObject({ member_count: 2, message_count: 1, last_message_at: sent.boInSide.created_at });
      expect(await repos().counters.reconcile(false)).toEqual({ channels: 0, messages: 0 });

      // Every token refused; the external id is free for a new user.
      expect(await ctx.request('GET', '/api/channels', { token: ann.token })).toMatchObject({ status: 403, body: { code: 'HEYYO_ERR_USER_DEACTIVATED' } });
      const reborn = await mint(app, 'ann');
      expect(reborn.status).toBe(200);
      expect(reborn.body.user_id).not.toBe(ann.id);
      expect((await ctx.request('GET', '/api/channels', { token: reborn.body.token })).body).toEqual([]);
      // Nobody can claim the erased id.
      expect((await server(app, 'POST', '/api/users', { user_id: `heyyo-erased:${ann.id}` })).status).toBe(400);

      // Again: the same answer, nothing changes; an erased user does not come back or change.
      expect(await server(app, 'DELETE', `/api/users/${ann.id}?hard=true`)).toMatchObject({ status: 200, body: erased.body });
      expect(await server(app, 'DELETE', `/api/users/${ann.id}`)).toMatchObject({ status: 200, body: erased.body });
      for (const [method, path, body] of [
        ['POST', `/api/users/${ann.id}/reactivate`, undefined],
        ['PATCH', `/api/users/${ann.id}`, { display_name: 'Ann again' }],
      ] as const) {
        expect(await server(app, method, path, body)).toMatchObject({
          status: 409,
          body: { error: 'User was erased; create a new user instead', code: 'HEYYO_ERR_USER_ERASED' },
        });
      }
      expect((await getUser(app, ann.id)).body).toEqual(erased.body);
    });

    it('erases a deactivated user too, and a reaction queued before it cannot come back', async () => {
      const { app, ann, side, sent } = await world();
      await server(app, 'DELETE', `/api/users/${ann.id}`);
      expect((await server(app, 'DELETE', `/api/users/${ann.id}?hard=true`)).body.erased_at).toEqual(expect.any(String));
      // A change that was queued before the erasure and applied after it.
      const late = await repos().reactions.apply(verifiedAppId(app.id), { messageId: sent.boInSide.id, userId: ann.id, type: ':late:', present: true, version: Date.now() * 1000 }, LOGGED);
      expect(late).toEqual({ changed: false, present: false });
      const exported = await server(app, 'GET', `/api/users/${ann.id}/export`);
      expect(exported.body).toMatchObject({ reactions: [], memberships: [] });
      expect(await repos().channels.findAccess(verifiedAppId(app.id), side.id, ann.id)).toMatchObject({ role: null });
    });

    it("takes their replies out of others' threads and unpins their messages", async () => {
      const { app, ann, bo, side, sent } = await world();
      const replies = [await ctx.send(ann, side.id, { text: 'mine', parent_id: sent.boInSide.id }), await ctx.send(bo, side.id, { text: 'his', parent_id: sent.boInSide.id })];
      const annPinned = await ctx.send(ann, side.id, { text: 'pin me' });
      await ctx.request('POST', `/api/channels/${side.id}/messages/${annPinned.id}/pin`, { token: ann.token });
      const parentOf = async () => (await history(bo, side.id)).body.find((message: { id: string }) => message.id === sent.boInSide.id);
      expect(await parentOf()).toMatchObject({ reply_count: 2, last_reply_at: replies[1]!.created_at });

      expect((await server(app, 'DELETE', `/api/users/${ann.id}?hard=true`)).status).toBe(200);
      expect(await parentOf()).toMatchObject({ reply_count: 1, last_reply_at: replies[1]!.created_at });
      expect((await ctx.request('GET', `/api/channels/${side.id}/pins`, { token: bo.token })).body).toEqual([]);
      expect(await repos().counters.reconcile(false)).toMatchObject({ messages: 0 });
    });

    it('leaves no cached page showing their reaction, even one not recounted yet', async () => {
      const app = await ctx.newApp();
      const [ann, bo] = [await ctx.newUser(app), await ctx.newUser(app)];
      const channel = await ctx.newChannel(bo, { members: [ann.id] });
      const message = await ctx.send(bo, channel.id);
      // Applied as the worker does, its recount not run yet: the count does not show it, the page does.
      await repos().reactions.apply(verifiedAppId(app.id), { messageId: message.id, userId: ann.id, type: ':eyes:', present: true, version: Date.now() * 1000 }, LOGGED);
      expect((await history(bo, channel.id)).body[0]).toMatchObject({ reactions: [{ type: ':eyes:', user_id: ann.id }], reaction_counts: {} });

      // The reactions step alone (later steps move the app's profile version, which hides this).
      await server(app, 'DELETE', `/api/users/${ann.id}`);
      expect(await repos().userData.removeReactions(verifiedAppId(app.id), ann.id, ERASURE_BATCH)).toBe(1);
      expect((await history(bo, channel.id)).body[0]).toMatchObject({ reactions: [], reaction_counts: {} });
    });

    it('works in bounded batches: after each one the counters are exact, and the next one goes on', async () => {
      const app = await ctx.newApp();
      const [ann, bo] = [await ctx.newUser(app), await ctx.newUser(app)];
      const channel = await ctx.newChannel(bo, { members: [ann.id] });
      for (const text of ['1', '2', '3', '4', '5']) await ctx.send(ann, channel.id, { text });
      await ctx.send(bo, channel.id, { text: 'mid' });
      await ctx.send(ann, channel.id, { text: 'last' });
      const appId = verifiedAppId(app.id);

      // Batches of two: the service uses ERASURE_BATCH, the same loop.
      const batches: { erased: number; lastSeq: number }[] = [];
      for (let batch = { erased: 2, lastSeq: 0 }; batch.erased === 2; ) {
        batch = await repos().userData.eraseMessages(appId, ann.id, channel.id, { afterSeq: batch.lastSeq, limit: 2 });
        batches.push(batch);
        expect(await repos().counters.reconcile(false)).toEqual({ channels: 0, messages: 0 });
      }
      // Each batch starts after the last seq of the one before (Bo's message is seq 6).
      expect(batches).toEqual([
        { erased: 2, lastSeq: 2 },
        { erased: 2, lastSeq: 4 },
        { erased: 2, lastSeq: 7 },
        { erased: 0, lastSeq: 7 },
      ]);
      // Run again from the start: nothing is left to erase.
      expect(await repos().userData.eraseMessages(appId, ann.id, channel.id, { afterSeq: 0, limit: 2 })).toEqual({ erased: 0, lastSeq: 0 });
      const details = await ctx.request('GET', `/api/channels/${channel.id}`, { token: bo.token });
      expect(details.body).toMatchObject({ message_count: 1, member_count: 2 });
      expect(ERASURE_BATCH).toBeGreaterThanOrEqual(100);
    });
  });

  describe('GET /api/users/:id/export', () => {
    it('streams everything stored about the user as one JSON document of the contract', async () => {
      const app = await ctx.newApp();
      const ann = await ctx.newUser(app, { externalId: 'ann', display_name: 'Ann' });
      const bo = await ctx.newUser(app);
      await server(app, 'PATCH', `/api/users/${ann.id}`, { metadata: { tier: 'gold' } });
      const mine = await ctx.newChannel(ann, { members: [bo.id] });
      const theirs = await ctx.newChannel(bo, { members: [ann.id] });
      const kept = await ctx.send(ann, mine.id, { text: 'kept', metadata: { m: 1 } });
      const deleted = await ctx.send(ann, theirs.id, { text: 'deleted', metadata: { d: 2 } });
      const boMessage = await ctx.send(bo, theirs.id);
      await ctx.request('DELETE', `/api/channels/${theirs.id}/messages/${deleted.id}`, { token: ann.token });
      await ctx.request('POST', `/api/channels/${theirs.id}/read`, { token: ann.token, body: {} });
      await react(ann, theirs.id, boMessage.id, ':ok:');
      await ctx.settled();
      const jti = decodeJwt(ann.token).jti!;
      await server(app, 'POST', `/api/users/${ann.id}/revoke-tokens?jti=${jti}`);
      await server(app, 'POST', `/api/users/${ann.id}/revoke-tokens`);
      await ctx.request('POST', `/api/channels/${theirs.id}/mutes`, { token: bo.token, body: { user_id: ann.id, expires_in: 60 } });
      await server(app, 'POST', `/api/users/${ann.id}/ban`, { reason: 'spam' });

      const response = await ctx.request('GET', `/api/users/${ann.id}/export`, { headers: apiCredentials(app) });
      expect(response.status).toBe(200);
      expect(response.headers['content-type']).toContain('application/json');
      expect(checkShape(validExport, response.body, 'response')).toBeUndefined();
      const body = response.body as UserExport;
      expect(body.user).toEqual((await getUser(app, ann.id)).body);
      expect(body.user.metadata).toEqual({ tier: 'gold' });
      expect(body.token_revocations).toEqual({ tokens_valid_after: expect.any(String), revoked_tokens: [{ jti, expires_at: expect.any(String) }] });
      expect(body.moderation).toEqual({
        app_ban: { reason: 'spam', created_at: expect.any(String), expires_at: null },
        channel_restrictions: [{ channel_id: theirs.id, kind: 'mute', reason: null, created_by: bo.id, created_at: expect.any(String), expires_at: expect.any(String) }],
      });
      expect(body.memberships.sort((a, b) => a.channel_id.localeCompare(b.channel_id))).toEqual(
        [
          { channel_id: mine.id, channel_name: mine.name, role: 'owner', joined_at: expect.any(String), last_read_seq: 0 },
          { channel_id: theirs.id, channel_name: theirs.name, role: 'member', joined_at: expect.any(String), last_read_seq: 2 },
        ].sort((a, b) => a.channel_id.localeCompare(b.channel_id)),
      );
      expect(body.reactions).toEqual([{ message_id: boMessage.id, channel_id: theirs.id, type: ':ok:', created_at: expect.any(String), removed_at: null }]);
      const byId = new Map(body.messages.map((message) => [message.id, message]));
      expect(byId.size).toBe(2);
      expect(byId.get(kept.id)).toMatchObject({ channel_id: mine.id, seq: 1, text: 'kept', metadata: { m: 1 }, deleted_at: null });
      // A deleted message still stores its content until an erasure: the export shows it.
      expect(byId.get(deleted.id)).toMatchObject({ channel_id: theirs.id, text: 'deleted', metadata: { d: 2 }, deleted_at: expect.any(String) });
    });

    it('pages through thousands of messages in several channels, in channel then seq order', async () => {
      const app = await ctx.newApp();
      const ann = await ctx.newUser(app);
      const [first, second] = [await ctx.newChannel(ann), await ctx.newChannel(ann)];
      const appId = verifiedAppId(app.id);
      const store = (channelId: string, count: number) =>
        Promise.all(
          Array.from({ length: count }, (_, index) =>
            repos().messages.insert(appId, channelId, ann.id, { text: `m${index}`, attachments: [], metadata: {}, parentId: null, clientId: null }),
          ),
        );
      await store(first.id, 2100);
      await store(second.id, 30);

      const response = await server(app, 'GET', `/api/users/${ann.id}/export`);
      expect(response.status).toBe(200);
      const messages = (response.body as UserExport).messages;
      expect(messages).toHaveLength(2130);
      const [earlier, later] = [first.id, second.id].sort();
      const expected = [
        ...Array.from({ length: earlier === first.id ? 2100 : 30 }, (_, index) => `${earlier}:${index + 1}`),
        ...Array.from({ length: later === first.id ? 2100 : 30 }, (_, index) => `${later}:${index + 1}`),
      ];
      expect(messages.map((message) => `${message.channel_id}:${message.seq}`)).toEqual(expected);
    });
  });

  it('answers 404 for another app’s user or none on every route, changing nothing', async () => {
    const [app, other] = [await ctx.newApp(), await ctx.newApp()];
    const stranger = await ctx.newUser(other, { display_name: 'Stranger' });
    const before = (await getUser(other, stranger.id)).body;
    for (const id of [stranger.id, randomUUID(), 'not-a-uuid']) {
      for (const [method, path, body] of [
        ['PATCH', `/api/users/${id}`, { display_name: 'Mine now' }],
        ['DELETE', `/api/users/${id}`, undefined],
        ['DELETE', `/api/users/${id}?hard=true`, undefined],
        ['POST', `/api/users/${id}/reactivate`, undefined],
        ['GET', `/api/users/${id}/export`, undefined],
      ] as const) {
        expect(await server(app, method, path, body), `${method} ${path}`).toMatchObject({
          status: 404,
          body: { error: 'User not found', code: 'HEYYO_ERR_USER_NOT_FOUND' },
        });
      }
    }
    expect((await getUser(other, stranger.id)).body).toEqual(before);
    expect((await ctx.request('GET', '/api/channels', { token: stranger.token })).status).toBe(200);
    expect((await ctx.request('DELETE', `/api/users/${stranger.id}`)).status).toBe(401);
  });
});
