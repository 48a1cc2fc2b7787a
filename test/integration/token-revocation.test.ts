/**
 * Token revocation and verification: `POST /api/users/:id/revoke-tokens` (all tokens issued
 * before now, or one by `jti`) is enforced at once on REST — past the verified-token cache — and
 * on live sockets (auth.revoked, then disconnected); `GET /api/auth/verify` shows a good token.
 */
import { decodeJwt } from 'jose';
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { verifiedAppId } from '@heyyo/database';
import type { TestApp } from '../support/factories.ts';
import { useNodeContext } from '../support/node-context.ts';
import { connectClient, emitWithAck, nextEvent } from '../support/sockets.ts';

describe('token revocation', () => {
  const ctx = useNodeContext();

  const mint = async (app: TestApp, userId: string, extra: Record<string, unknown> = {}) => {
    const response = await ctx.request('POST', '/api/auth/token', {
      body: { api_key: app.api_key, api_secret: app.api_secret, user_id: userId, ...extra },
    });
    expect(response.status).toBe(200);
    return response.body as { token: string; user_id: string };
  };
  const revoke = (app: TestApp, userId: string, jti?: string) =>
    ctx.request('POST', `/api/users/${userId}/revoke-tokens${jti ? `?jti=${jti}` : ''}`, {
      headers: { 'x-api-key': app.api_key, 'x-api-secret': app.api_secret },
    });
  const channels = (token: string) => ctx.request('GET', '/api/channels', { token });

  it('verifies a token: who it proves, in which app, with which role, until when', async () => {
    const app = await ctx.newApp();
    const user = await mint(app, 'verified-user');
    const verified = await ctx.request('GET', '/api/auth/verify', { token: user.token });
    expect(verified).toMatchObject({
      status: 200,
      body: { valid: true, user_id: user.user_id, external_id: 'verified-user', app_id: app.id, role: 'user', exp: decodeJwt(user.token).exp },
    });
    const admin = await mint(app, 'an-admin', { role: 'admin' });
    expect((await ctx.request('GET', '/api/auth/verify', { token: admin.token })).body.role).toBe('admin');
    expect((await ctx.request('GET', '/api/auth/verify')).status).toBe(401);
    expect(await ctx.request('GET', '/api/auth/verify', { token: 'not.a.token' })).toMatchObject({ status: 403, body: { code: 'HEYYO_ERR_INVALID_TOKEN' } });
  });

  it('refuses every token issued before a revocation, on REST and live sockets, and not the ones after', async () => {
    const app = await ctx.newApp();
    const [old, onSocket] = [await mint(app, 'revoked-user'), await mint(app, 'revoked-user')];
    // Used (so remembered as verified) on REST, and another by a live socket.
    expect((await channels(old.token)).status).toBe(200);
    const socket = await ctx.connect(onSocket.token);
    const revoked = nextEvent(socket, 'auth.revoked');
    const disconnected = new Promise((resolve) => socket.once('disconnect', resolve));

    const response = await revoke(app, old.user_id);
    expect(response).toMatchObject({ status: 200, body: { user_id: old.user_id, revoked_before: expect.any(String), jti: null } });
    expect(await channels(old.token)).toMatchObject({ status: 403, body: { code: 'HEYYO_ERR_TOKEN_REVOKED', error: 'Token revoked' } });
    expect(await ctx.request('GET', '/api/auth/verify', { token: old.token })).toMatchObject({ status: 403, body: { code: 'HEYYO_ERR_TOKEN_REVOKED' } });
    expect(await revoked).toEqual({ code: 'HEYYO_ERR_TOKEN_REVOKED' });
    await disconnected;
    await expect(connectClient(ctx.url, old.token)).rejects.toMatchObject({ data: { code: 'HEYYO_ERR_TOKEN_REVOKED' } });

    // Minted right after — within the same second — it works.
    const fresh = await mint(app, 'revoked-user');
    expect((await channels(fresh.token)).status).toBe(200);
    const socketAgain = await ctx.connect(fresh.token);
    expect(await emitWithAck(socketAgain, 'auth.refresh', { token: old.token })).toMatchObject({ code: 'HEYYO_ERR_TOKEN_REVOKED' });
    // Twice is harmless.
    expect((await revoke(app, old.user_id)).status).toBe(200);
  });

  it('refuses one token by its jti and leaves the user’s others alone', async () => {
    const app = await ctx.newApp();
    const [phone, laptop] = [await mint(app, 'two-devices'), await mint(app, 'two-devices')];
    const [phoneSocket, laptopSocket] = [await ctx.connect(phone.token), await ctx.connect(laptop.token)];
    const phoneRevoked = nextEvent(phoneSocket, 'auth.revoked');
    const laptopRevocations: unknown[] = [];
    laptopSocket.on('auth.revoked', (event) => laptopRevocations.push(event));

    const jti = decodeJwt(phone.token).jti!;
    expect(await revoke(app, phone.user_id, jti)).toMatchObject({ status: 200, body: { user_id: phone.user_id, revoked_before: null, jti } });
    expect((await channels(phone.token)).status).toBe(403);
    expect((await channels(laptop.token)).status).toBe(200);
    await phoneRevoked;
    expect(await emitWithAck(laptopSocket, 'typing.start', { channelId: randomUUID() })).toMatchObject({ code: 'HEYYO_ERR_CHANNEL_NOT_FOUND' });
    expect(laptopSocket.connected).toBe(true);
    expect(laptopRevocations).toEqual([]);
  });

  it('rechecks every live socket when its node may have missed a revocation (everything invalidated)', async () => {
    const app = await ctx.newApp();
    const [revoked, kept] = [await ctx.newUser(app, { externalId: 'revoked' }), await ctx.newUser(app, { externalId: 'kept' })];
    const [revokedSocket, keptSocket] = [await ctx.connect(revoked.token), await ctx.connect(kept.token)];
    // Revoked in Postgres with no word on the bus, as when the news was lost while Redis was away.
    await ctx.node.wiring.repos.users.revokeTokens(verifiedAppId(app.id), revoked.id);
    const told = nextEvent(revokedSocket, 'auth.revoked');
    const dropped = new Promise((resolve) => revokedSocket.once('disconnect', resolve));
    await ctx.node.wiring.engine.invalidations.publish({ kind: 'everything' });
    expect(await told).toEqual({ code: 'HEYYO_ERR_TOKEN_REVOKED' });
    await dropped;
    expect(await emitWithAck(keptSocket, 'typing.start', { channelId: (await ctx.newChannel(kept)).id })).toEqual({ success: true });
    expect(keptSocket.connected).toBe(true);
  });

  it('answers 404 for a user of another app or none, and 401 without credentials', async () => {
    const [app, other] = [await ctx.newApp(), await ctx.newApp()];
    const stranger = await mint(other, 'stranger');
    expect(await revoke(app, stranger.user_id)).toMatchObject({ status: 404, body: { code: 'HEYYO_ERR_USER_NOT_FOUND' } });
    expect((await revoke(app, randomUUID())).status).toBe(404);
    expect((await revoke(app, 'not-a-uuid')).status).toBe(404);
    expect((await ctx.request('POST', `/api/users/${stranger.user_id}/revoke-tokens`)).status).toBe(401);
    // The stranger's token still works.
    expect((await channels(stranger.token)).status).toBe(200);
  });
});
