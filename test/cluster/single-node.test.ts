import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { runNodeProcessToExit, startNodeProcess, type NodeProcess } from '../support/node-process.ts';
import { eventually } from '../support/sdk-helpers.ts';
import { databaseUrl } from '../support/services.ts';

/** The seed's curl walkthrough against the real program on a database it creates itself. */
describe('npm start (the real program, one process)', () => {
  const database = `${inject('runId')}_node_${randomBytes(3).toString('hex')}`;
  const dataDir = mkdtempSync(join(tmpdir(), 'heyyo-node-'));
  let node: NodeProcess;

  beforeAll(async () => {
    node = await startNodeProcess('node', {
      env: {
        DATABASE_URL: databaseUrl(inject('postgresUrl'), database),
        REDIS_URL: inject('redisUrl'),
        HEYYO_REDIS_PREFIX: `${database}:`,
        HEYYO_DATA_DIR: dataDir,
        LOG_LEVEL: 'info',
      },
    });
  });

  afterAll(async () => {
    await node?.stop('SIGKILL');
    const admin = postgres(inject('postgresUrl'), { max: 1, onnotice: () => {} });
    await admin`drop database if exists ${admin(database)} with (force)`;
    await admin.end();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const call = async (method: string, path: string, body?: unknown, token?: string) => {
    const headers: Record<string, string> = {};
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (token) headers.authorization = `Bearer ${token}`;
    const response = await fetch(`${node.url}${path}`, {
      method,
      headers,
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: response.status, body: (await response.json()) as any };
  };

  it('creates its database, migrates, and serves the seed walkthrough', async () => {
    expect((await call('GET', '/health')).body).toMatchObject({ status: 'ok', version: '0.1.0' });

    const app = await call('POST', '/api/apps', { name: 'Acme Chat' });
    expect(app.status).toBe(201);
    const token = await call('POST', '/api/auth/token', {
      api_key: app.body.api_key,
      api_secret: app.body.api_secret,
      user_id: 'user-123',
      display_name: 'Jane Doe',
    });
    expect(token.status).toBe(200);
    const jwt = token.body.token as string;

    const channel = await call('POST', '/api/channels', { name: 'general', type: 'messaging' }, jwt);
    expect(channel.status).toBe(201);
    const sent = await call('POST', `/api/channels/${channel.body.id}/messages`, { text: 'Hello from REST' }, jwt);
    expect(sent.status).toBe(201);
    expect(sent.body.user).toEqual({ external_id: 'user-123', display_name: 'Jane Doe', avatar_url: null });

    const reacted = await call('POST', `/api/channels/${channel.body.id}/messages/${sent.body.id}/reactions`, { type: ':thumbsup:' }, jwt);
    expect(reacted.body).toEqual({ message: 'Reaction added' });
    // The worker applies the reaction a moment after the 200.
    const listed = await eventually(async () => {
      const page = await call('GET', `/api/channels/${channel.body.id}/messages?limit=50`, undefined, jwt);
      return page.body[0]?.reactions.length > 0 ? page : undefined;
    }, 'the reaction to be applied');
    expect(listed.body).toHaveLength(1);
    expect(listed.body[0].reactions).toEqual([{ type: ':thumbsup:', user_id: token.body.user_id, count: 1 }]);

    const deleted = await call('DELETE', `/api/channels/${channel.body.id}/messages/${sent.body.id}`, undefined, jwt);
    expect(deleted.body).toEqual({ message: 'Message deleted' });
    expect((await call('GET', '/ready')).body).toEqual({ status: 'ready', checks: { postgres: 'ok', redis: 'ok', load: 'ok' } });
  });

  it('says loudly that app creation is open, and never logs secrets', () => {
    const output = node.output();
    expect(output).toContain('HEYYO_ADMIN_TOKEN is not set');
    expect(output).not.toMatch(/cbs_[A-Za-z0-9_-]{20}/);
    expect(output).not.toMatch(/eyJ[A-Za-z0-9_-]{10,}\./);
  });

  it('exits 0 on SIGTERM after closing its connections', async () => {
    expect(await node.stop('SIGTERM')).toBe(0);
    expect(node.output()).toContain('shutting down');
  });
});

describe('start-up refusals', () => {
  it('refuses NODE_ENV=production without an admin token and JWT keys, naming both', async () => {
    const result = await runNodeProcessToExit({ NODE_ENV: 'production', DATABASE_URL: 'postgres://127.0.0.1:1/x' });
    expect(result.code).toBe(1);
    expect(result.output).toContain('HEYYO_ADMIN_TOKEN is required');
    expect(result.output).toContain('HEYYO_JWT_KEYS is required');
  });

  it('exits 1 with a message when Postgres cannot be reached', async () => {
    const result = await runNodeProcessToExit({
      DATABASE_URL: 'postgres://postgres@127.0.0.1:1/heyyo',
      HEYYO_DATA_DIR: mkdtempSync(join(tmpdir(), 'heyyo-node-')),
    });
    expect(result.code).toBe(1);
    expect(result.output).toContain('Heyyo failed to start');
  });

  it('refuses an API-only node without Redis, saying why', async () => {
    const result = await runNodeProcessToExit({
      HEYYO_ROLES: 'api',
      HEYYO_MEMORY_ENGINE: '1',
      DATABASE_URL: 'postgres://postgres@127.0.0.1:1/heyyo',
      HEYYO_DATA_DIR: mkdtempSync(join(tmpdir(), 'heyyo-node-')),
    });
    expect(result.code).toBe(1);
    expect(result.output).toContain('HEYYO_ROLES=api needs Redis (set REDIS_URL)');
    expect(result.output).toContain('only one node holding all three roles');
  });
});
