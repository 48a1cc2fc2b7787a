/**
 * A node at its bound on work in progress (HEYYO_MAX_IN_FLIGHT=2 here) refuses more at once —
 * REST with 503 HEYYO_ERR_OVERLOADED and retry-after, socket events with the same ack — instead of
 * queueing it until it times out, says `load: saturated` on /ready, and serves again as soon as
 * work ends. The work is held by a Postgres that stops answering (a proxy the test stalls).
 */
import { describe, expect, it } from 'vitest';
import { eventually } from '../support/eventually.ts';
import { connectClient, emitWithAck } from '../support/sockets.ts';
import { useNodeBehindProxies } from '../support/node-behind-proxies.ts';

const OVERLOADED = { error: 'Server busy, retry shortly', code: 'HEYYO_ERR_OVERLOADED' };

describe('a node at its bound on work in progress (HEYYO_MAX_IN_FLIGHT=2)', () => {
  const ctx = useNodeBehindProxies({
    label: 'overload',
    proxied: ['postgres'],
    env: { HEYYO_MAX_IN_FLIGHT: '2', HEYYO_DB_DEADLINE_MS: '5000' },
  });
  const { request } = ctx;

  it('refuses REST requests and socket events past the bound at once, reports saturation, and serves again once work ends', async () => {
    const user = await ctx.newUser();
    const channel = await ctx.newChannel(user);
    const socket = await connectClient(ctx.node.url, user.token);
    const read = () => request('GET', `/api/channels/${channel.id}/messages`, { token: user.token });

    ctx.proxy('postgres').stall();
    // Two reads wait for Postgres: the node is at its bound.
    const held = [read(), read()];
    await eventually(async () => (await request('GET', '/ready')).body.checks.load === 'saturated', '/ready to say saturated');

    const startedAt = performance.now();
    const refused = await request('POST', `/api/channels/${channel.id}/messages`, { token: user.token, body: { text: 'x', client_id: 'o-1' } });
    const ack = await emitWithAck(socket, 'message.send', { channelId: channel.id, text: 'x', clientId: 'o-2' });
    expect(performance.now() - startedAt).toBeLessThan(500);
    expect(refused.status).toBe(503);
    expect(refused.body).toEqual(OVERLOADED);
    expect(refused.headers['retry-after']).toBe('1');
    expect(ack).toEqual(OVERLOADED);
    const ready = await request('GET', '/ready');
    expect(ready.status).toBe(503);
    expect(ready.body.checks.load).toBe('saturated');
    const metrics = await (await fetch(`${ctx.node.url}/metrics`)).text();
    expect(metrics).toMatch(/^heyyo_in_flight 2$/m);
    expect(metrics).toMatch(/^heyyo_overload_refusals_total 2$/m);

    ctx.proxy('postgres').resume();
    expect((await Promise.all(held)).map((response) => response.status)).toEqual([200, 200]);
    await eventually(async () => (await request('GET', '/ready')).status === 200, '/ready to answer 200 again');
    // Nothing refused was stored: the retries store each message once.
    expect((await request('POST', `/api/channels/${channel.id}/messages`, { token: user.token, body: { text: 'x', client_id: 'o-1' } })).status).toBe(201);
    expect(await emitWithAck(socket, 'message.send', { channelId: channel.id, text: 'x', clientId: 'o-2' })).toMatchObject({
      message: { client_id: 'o-2' },
    });
    const history = await read();
    expect(history.body.map((message: { client_id: string }) => message.client_id).sort()).toEqual(['o-1', 'o-2']);
  });
});
