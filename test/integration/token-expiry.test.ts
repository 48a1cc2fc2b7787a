/**
 * A socket outlives its handshake but not its token: at the token's expiry the gateway sends
 * `auth.expired`, and disconnects the socket unless it sends `auth.refresh` with a new token of
 * the same user within HEYYO_TOKEN_REFRESH_GRACE_MS.
 */
import { describe, expect, it } from 'vitest';
import type { TestUser } from '../support/factories.ts';
import { useNodeContext } from '../support/node-context.ts';
import { forgeUserToken } from '../support/resources.ts';
import { emitWithAck, nextEvent, type ClientSocket } from '../support/sockets.ts';

const GRACE_MS = 1500;
/** How much later than its due time a timer of the node may fire on a busy test machine. */
const LATE_MS = 1500;

const nowSeconds = () => Math.floor(Date.now() / 1000);
const iso = (seconds: number) => new Date(seconds * 1000).toISOString();

/** Resolves with the reason and the time of the socket's disconnect. */
const disconnected = (socket: ClientSocket) =>
  new Promise<{ reason: string; at: number }>((resolve) => socket.once('disconnect', (reason) => resolve({ reason, at: Date.now() })));

describe('token expiry on a live socket', () => {
  const ctx = useNodeContext({ env: { HEYYO_TOKEN_REFRESH_GRACE_MS: String(GRACE_MS) } });

  /** A socket of `user` on a token that expires `ttlSeconds` from now. */
  async function shortLived(user: TestUser, ttlSeconds = 2) {
    const exp = nowSeconds() + ttlSeconds;
    const socket = await ctx.connect(await forgeUserToken(user, { exp }));
    return { socket, exp };
  }

  it('sends auth.expired at the expiry, then disconnects the socket after the grace', async () => {
    const user = await ctx.newUser();
    const { socket, exp } = await shortLived(user);
    const gone = disconnected(socket);

    const expired = await nextEvent(socket, 'auth.expired', undefined, 5000);
    const toldAt = Date.now();
    expect(expired).toEqual({ expiresAt: iso(exp), graceMs: GRACE_MS });
    expect(toldAt).toBeGreaterThanOrEqual(exp * 1000 - 50);
    expect(toldAt).toBeLessThan(exp * 1000 + LATE_MS);

    const { reason, at } = await gone;
    expect(reason).toBe('io server disconnect');
    expect(at - toldAt).toBeGreaterThanOrEqual(GRACE_MS - 50);
    expect(at - toldAt).toBeLessThan(GRACE_MS + LATE_MS);
    // Reconnecting with the expired token is refused, as at any handshake.
    await expect(ctx.connect(await forgeUserToken(user, { iat: exp - 2, exp }))).rejects.toMatchObject({
      message: 'Invalid token',
      data: { code: 'HEYYO_ERR_TOKEN_EXPIRED' },
    });
  });

  it('a socket that answers auth.expired with auth.refresh stays connected and keeps receiving', async () => {
    const user = await ctx.newUser();
    const channel = await ctx.newChannel(user);
    const { socket, exp } = await shortLived(user);
    let disconnectedFor: string | undefined;
    socket.on('disconnect', (reason) => (disconnectedFor = reason));

    await nextEvent(socket, 'auth.expired', undefined, 5000);
    const freshExp = nowSeconds() + 3600;
    const ack = await emitWithAck(socket, 'auth.refresh', { token: await forgeUserToken(user, { exp: freshExp }) });
    expect(ack).toEqual({ success: true, expiresAt: iso(freshExp) });

    // Past the grace of the old token: still connected, and events still arrive.
    await new Promise((resolve) => setTimeout(resolve, exp * 1000 + GRACE_MS + 500 - Date.now()));
    expect(disconnectedFor).toBeUndefined();
    expect(socket.connected).toBe(true);
    const arrived = nextEvent(socket, 'message.new', (message) => message.text === 'after the refresh');
    await ctx.send(user, channel.id, { text: 'after the refresh' });
    expect((await arrived).channel_id).toBe(channel.id);
  });

  it('a refresh before the expiry moves it: no auth.expired for the old token', async () => {
    const user = await ctx.newUser();
    const { socket, exp } = await shortLived(user);
    const told: unknown[] = [];
    socket.on('auth.expired', (payload) => told.push(payload));
    const freshExp = nowSeconds() + 3600;
    expect(await emitWithAck(socket, 'auth.refresh', { token: await forgeUserToken(user, { exp: freshExp }) })).toEqual({
      success: true,
      expiresAt: iso(freshExp),
    });
    await new Promise((resolve) => setTimeout(resolve, exp * 1000 + GRACE_MS + 500 - Date.now()));
    expect(told).toEqual([]);
    expect(socket.connected).toBe(true);
  });

  it("refuses a refresh with another user's, an expired or a bad token, and still disconnects after the grace", async () => {
    const user = await ctx.newUser();
    const sameApp = await ctx.newUser(user.app);
    const otherApp = await ctx.newUser();
    const { socket } = await shortLived(user);
    const gone = disconnected(socket);
    await nextEvent(socket, 'auth.expired', undefined, 5000);

    const refresh = (token: string) => emitWithAck(socket, 'auth.refresh', { token });
    const anotherUser = { error: 'Token is for another user', code: 'HEYYO_ERR_INVALID_TOKEN' };
    expect(await refresh(sameApp.token)).toEqual(anotherUser);
    expect(await refresh(otherApp.token)).toEqual(anotherUser);
    expect(await refresh(await forgeUserToken(user, { iat: nowSeconds() - 7200, exp: nowSeconds() - 3600 }))).toEqual({
      error: 'Token expired',
      code: 'HEYYO_ERR_TOKEN_EXPIRED',
    });
    expect(await refresh('not-a-jwt')).toEqual({ error: 'Invalid token', code: 'HEYYO_ERR_INVALID_TOKEN' });
    expect(await refresh(await forgeUserToken(user, { secret: 'x'.repeat(48) }))).toEqual({
      error: 'Invalid token',
      code: 'HEYYO_ERR_INVALID_TOKEN',
    });
    expect(await emitWithAck(socket, 'auth.refresh', {})).toEqual({ error: 'token is required', code: 'HEYYO_ERR_VALIDATION' });

    expect((await gone).reason).toBe('io server disconnect');
  });
});
