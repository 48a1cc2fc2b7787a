/**
 * A node at its bound on work in progress (HEYYO_MAX_IN_FLIGHT=2 here) refuses more at once —
 * REST with 503 HEYYO_ERR_OVERLOADED and retry-after, socket events with the same ack — instead of
 * queueing it until it times out, says `load: saturated` on /ready, and serves again as soon as
 * work ends. The work is held by a Postgres that stops answering (a proxy the test stalls).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '@heyyo/config';
import { createLogger } from '@heyyo/logging';
import { startNode, type RunningNode } from '@heyyo/service-node';
import { eventually } from '../support/eventually.ts';
import { createFactories } from '../support/factories.ts';
import { fetchRequester } from '../support/node-context.ts';
import { fileResources } from '../support/resources.ts';
import { closeAllClients, connectClient, emitWithAck } from '../support/sockets.ts';
import { startStallingProxy, type StallingProxy } from '../support/stalling-proxy.ts';

const OVERLOADED = { error: 'Server busy, retry shortly', code: 'HEYYO_ERR_OVERLOADED' };

describe('a node at its bound on work in progress (HEYYO_MAX_IN_FLIGHT=2)', () => {
  const resources = fileResources('overload');
  let proxy: StallingProxy;
  let node: RunningNode | undefined;
  const request = fetchRequester(() => node!.url);
  const factories = createFactories(request, () => undefined);

  beforeAll(async () => {
    await resources.createDatabase();
    const database = new URL(resources.databaseUrl);
    proxy = await startStallingProxy({ host: database.hostname, port: Number(database.port || 5432) });
    database.port = String(proxy.port);
    const config = loadConfig({
      ...resources.env,
      DATABASE_URL: database.toString(),
      PORT: '0',
      HOST: '127.0.0.1',
      HEYYO_MAX_IN_FLIGHT: '2',
      HEYYO_DB_DEADLINE_MS: '5000',
      HEYYO_SHUTDOWN_DRAIN_MS: '500',
      HEYYO_SHUTDOWN_CLOSE_MS: '2000',
    });
    node = await startNode(config, createLogger({ level: config.log.level, name: 'test' }));
  });

  afterAll(async () => {
    closeAllClients();
    proxy?.resume();
    await node?.stop();
    await proxy?.close();
    await resources.release();
  });

  it('refuses REST requests and socket events past the bound at once, reports saturation, and serves again once work ends', async () => {
    const user = await factories.newUser();
    const channel = await factories.newChannel(user);
    const socket = await connectClient(node!.url, user.token);
    const read = () => request('GET', `/api/channels/${channel.id}/messages`, { token: user.token });

    proxy.stall();
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
    const metrics = await (await fetch(`${node!.url}/metrics`)).text();
    expect(metrics).toMatch(/^heyyo_in_flight 2$/m);
    expect(metrics).toMatch(/^heyyo_overload_refusals_total 2$/m);

    proxy.resume();
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
