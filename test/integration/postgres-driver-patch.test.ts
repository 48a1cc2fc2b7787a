/**
 * postgres.js 3.4.9 ends the process when a connection's socket closes while a write is queued
 * (an exception thrown from an immediate: no caller can catch it). Outages close sockets, so
 * Heyyo carries upstream's proposed fix (patches/, applied by `npm ci`). Without it this child
 * process dies with "Cannot read properties of null (reading 'write')".
 */
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fileResources } from '../support/resources.ts';
import { runScript } from '../support/run-script.ts';

const FIXTURE = fileURLToPath(new URL('../fixtures/postgres-dead-backend.mjs', import.meta.url));
const ROOT = fileURLToPath(new URL('../..', import.meta.url));

describe('the Postgres driver when a backend dies under queued writes', () => {
  const resources = fileResources('driver');
  beforeAll(() => resources.createDatabase());
  afterAll(() => resources.release());

  it('rejects the queries and keeps the process alive', async () => {
    const { code, output } = await runScript([FIXTURE], { DATABASE_URL: resources.databaseUrl }, ROOT);
    expect(code, output).toBe(0);
    const rounds = JSON.parse(output.trim()) as string[];
    expect(rounds).toHaveLength(3);
    expect(rounds[0]).toBe('rejected,rejected');
  });
});
