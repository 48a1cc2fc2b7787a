/**
 * Invalid tokens at the Socket.IO handshake and in `auth.refresh` meet the same failed-credential
 * limits as REST, per client IP (issue 12, defect 2, on the socket side): guessing over sockets
 * is refused once the IP's failures are spent, and that IP's REST calls with it.
 */
import { describe, expect, it } from 'vitest';
import { useNodeContext } from '../support/node-context.ts';
import { forgeUserToken } from '../support/resources.ts';
import { emitWithAck } from '../support/sockets.ts';

const FAILURES_PER_IP = 3;
const LOCKED = { code: 'HEYYO_ERR_RATE_LIMITED', message: expect.stringMatching(/^Too many failed authentication attempts, retry in \d+ s$/) };

let nextAddress = 1;
/** A client IP no other test of this file uses (sent as X-Forwarded-For: the node trusts its proxy). */
const freshIp = () => `198.51.100.${nextAddress++}`;

describe('failed-credential limits on sockets (HEYYO_AUTH_FAILURES_PER_IP=3)', () => {
  const ctx = useNodeContext({ env: { HEYYO_AUTH_FAILURES_PER_IP: String(FAILURES_PER_IP), HEYYO_TRUST_PROXY: '1' } });

  /** The connect_error of a handshake that must fail: its message and data.code. */
  const refusedHandshake = (token: string, ip: string) =>
    ctx.connect(token, { headers: { 'x-forwarded-for': ip } }).then(
      () => {
        throw new Error('the handshake was accepted');
      },
      (error: Error & { data?: { code?: string } }) => ({ message: error.message, code: error.data?.code }),
    );

  it('refuses an IP past its failed handshakes, even with a valid token, and its REST calls too; other IPs go on', async () => {
    const user = await ctx.newUser();
    const forged = await forgeUserToken(user, { secret: 'not-the-servers-secret-0123456789-abcdef' });
    const ip = freshIp();
    for (let attempt = 0; attempt < FAILURES_PER_IP; attempt++) {
      expect(await refusedHandshake(forged, ip)).toEqual({ message: 'Invalid token', code: 'HEYYO_ERR_INVALID_TOKEN' });
    }
    // A valid token this node has not verified yet: refused without a check.
    const unseen = await forgeUserToken(user, { iat: Math.floor(Date.now() / 1000) - 1 });
    expect(await refusedHandshake(unseen, ip)).toEqual(LOCKED);
    const rest = await ctx.request('GET', '/api/channels', { token: unseen, headers: { 'x-forwarded-for': ip } });
    expect(rest.status).toBe(429);
    expect(rest.body.code).toBe('HEYYO_ERR_RATE_LIMITED');

    const elsewhere = await ctx.connect(unseen, { headers: { 'x-forwarded-for': freshIp() } });
    expect(elsewhere.connected).toBe(true);
    // Now verified by this node: not a guess, so it connects from the locked IP too (as on REST).
    expect((await ctx.connect(unseen, { headers: { 'x-forwarded-for': ip } })).connected).toBe(true);
  });

  it('counts invalid tokens in auth.refresh against the socket\'s IP', async () => {
    const user = await ctx.newUser();
    const ip = freshIp();
    const socket = await ctx.connect(user.token, { headers: { 'x-forwarded-for': ip } });
    const forged = await forgeUserToken(user, { secret: 'not-the-servers-secret-0123456789-abcdef' });
    for (let attempt = 0; attempt < FAILURES_PER_IP; attempt++) {
      expect(await emitWithAck(socket, 'auth.refresh', { token: forged })).toEqual({ error: 'Invalid token', code: 'HEYYO_ERR_INVALID_TOKEN' });
    }
    const unseen = await forgeUserToken(user, { iat: Math.floor(Date.now() / 1000) - 2 });
    expect(await emitWithAck(socket, 'auth.refresh', { token: unseen })).toEqual({
      error: LOCKED.message,
      code: 'HEYYO_ERR_RATE_LIMITED',
    });
  });
});
