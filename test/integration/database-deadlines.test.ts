/**
 * The deadlines of libs/database against a real Postgres: statements that get no answer (the
 * server behind a stalled proxy) fail fast, and the pool serves again once the server answers;
 * a transaction that runs out of time rolls back instead of committing after its caller was
 * told it failed.
 */
import { sql } from 'drizzle-orm';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DeadlineError } from '@heyyo/config';
import { createDb, type DatabaseHandle } from '@heyyo/database';
import { eventually } from '../support/eventually.ts';
import { fileResources } from '../support/resources.ts';
import { startStallingProxy, type StallingProxy } from '../support/stalling-proxy.ts';

const DEADLINE_MS = 400;
const SLACK_MS = 600;

describe('database deadlines', () => {
  const resources = fileResources('deadlines');
  let direct: postgres.Sql;
  let proxy: StallingProxy;
  let proxied: DatabaseHandle;
  let local: DatabaseHandle;

  const rows = async () => (await direct`select n from deadline_probe order by n`).map((row) => row.n as number);

  beforeAll(async () => {
    await resources.createDatabase();
    direct = postgres(resources.databaseUrl, { max: 1, onnotice: () => {} });
    await direct`create table deadline_probe (n integer not null)`;
    const url = new URL(resources.databaseUrl);
    proxy = await startStallingProxy({ host: url.hostname, port: Number(url.port || 5432) });
    url.port = String(proxy.port);
    proxied = createDb({ url: url.toString(), poolMax: 1, deadlineMs: DEADLINE_MS });
    local = createDb({ url: resources.databaseUrl, poolMax: 2, deadlineMs: DEADLINE_MS });
  });

  afterAll(async () => {
    proxy?.resume();
    await Promise.all([proxied?.sql.end({ timeout: 1 }), local?.close(), direct?.end()]);
    await proxy?.close();
    await resources.release();
  });

  it('fails statements that get no answer within the deadline, and serves again once the server answers', async () => {
    await proxied.db.execute(sql`select 1`);
    proxy.stall();
    const startedAt = performance.now();
    const [running, queued] = await Promise.allSettled([
      proxied.db.execute(sql`select 1`),
      // Pipelined behind the first on the pool's only connection.
      proxied.db.execute(sql`select 2`),
    ]);
    expect(performance.now() - startedAt).toBeLessThan(DEADLINE_MS + SLACK_MS);
    // drizzle wraps what the driver threw: the deadline is its cause.
    expect(running).toMatchObject({ status: 'rejected', reason: { cause: expect.any(DeadlineError) } });
    expect(queued).toMatchObject({ status: 'rejected', reason: { cause: expect.any(DeadlineError) } });

    proxy.resume();
    await eventually(async () => (await proxied.db.execute(sql`select 1`).then(() => true, () => false)), 'the pool to answer again');
  });

  it('rolls back a transaction that runs out of time, even when its work goes on', async () => {
    const startedAt = performance.now();
    let finished!: () => void;
    const workDone = new Promise<void>((resolve) => (finished = resolve));
    const outcome = local.db
      .transaction(async (tx) => {
        await tx.execute(sql`insert into deadline_probe values (2)`);
        await new Promise((resolve) => setTimeout(resolve, DEADLINE_MS + 200));
        try {
          await tx.execute(sql`insert into deadline_probe values (3)`);
        } finally {
          finished();
        }
      })
      .then(
        () => 'committed',
        (error: unknown) => error,
      );
    expect(await outcome).toBeInstanceOf(DeadlineError);
    expect(performance.now() - startedAt).toBeLessThan(DEADLINE_MS + SLACK_MS);
    await workDone;
    // Rolled back: neither insert is visible, now or once the connection is handed back.
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(await rows()).toEqual([]);
    await local.db.execute(sql`insert into deadline_probe values (4)`);
    expect(await rows()).toEqual([4]);
    await direct`delete from deadline_probe`;
  });
});
