/**
 * A token revoked (or its user deactivated) through one API node is refused by the other — which
 * had it cached as verified — within a second, and the sockets using it on both gateways get
 * auth.revoked and are disconnected.
 */
import { describe, expect, it } from 'vitest';
import { useCluster } from '../support/cluster-context.ts';
import { eventually } from '../support/eventually.ts';
import { nextEvent } from '../support/sockets.ts';

const WITHIN_MS = 1000;

describe('revoking tokens in a cluster of 2 API nodes and 2 gateways', () => {
  const ctx = useCluster({ apiNodes: 2, gatewayNodes: 2 });

  it.each([
    ['revoking its tokens', (id: string) => `/api/users/${id}/revoke-tokens`, 'POST', 'HEYYO_ERR_TOKEN_REVOKED'],
    ['deactivating the user', (id: string) => `/api/users/${id}`, 'DELETE', 'HEYYO_ERR_USER_DEACTIVATED'],
  ] as const)('%s is enforced by the other API node and both gateways within a second', async (_what, path, method, code) => {
    const app = await ctx.newApp();
    const user = await ctx.newUser(app, { externalId: 'leaked' });
    // Cached as verified on API node 2; live on both gateways.
    expect((await ctx.requestVia(1)('GET', '/api/channels', { token: user.token })).status).toBe(200);
    const sockets = [await ctx.connect(0, user.token), await ctx.connect(1, user.token)];
    const told = sockets.map((socket) => nextEvent(socket, 'auth.revoked', () => true, WITHIN_MS));
    const dropped = sockets.map((socket) => new Promise((resolve) => socket.once('disconnect', resolve)));

    const revoked = await ctx.requestVia(0)(method, path(user.id), {
      headers: { 'x-api-key': app.api_key, 'x-api-secret': app.api_secret },
    });
    expect(revoked.status).toBe(200);
    await eventually(
      async () => (await ctx.requestVia(1)('GET', '/api/channels', { token: user.token })).body.code === code,
      'API node 2 to refuse the revoked token',
      WITHIN_MS,
      50,
    );
    for (const event of await Promise.all(told)) expect(event).toEqual({ code });
    await Promise.all(dropped);
  });
});
