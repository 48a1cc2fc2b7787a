import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { createFactories } from '../support/factories.ts';
import { fetchRequester } from '../support/node-context.ts';
import { startNodeProcess, type NodeProcess } from '../support/node-process.ts';
import { fileResources } from '../support/resources.ts';
import { closeAllClients, connectClient } from '../support/sockets.ts';
import { startStallingProxy, type StallingProxy } from '../support/stalling-proxy.ts';

/**
 * SIGTERM to the real program (a child process, all roles) whose Redis is reached through a
 * proxy that can stop answering: the drain (HEYYO_SHUTDOWN_DRAIN_MS) and the close budget
 * (HEYYO_SHUTDOWN_CLOSE_MS) bound the shutdown, whatever a stalled dependency does, and an
 * orderly shutdown exits 0.
 */
describe('SIGTERM with a Redis that stops answering', () => {
  const resources = fileResources('shutdown');
  let proxy: StallingProxy | undefined;
  let node: NodeProcess | undefined;

  beforeAll(async () => {
    await resources.createDatabase();
    const redis = new URL(inject('redisUrl'));
    proxy = await startStallingProxy({ host: redis.hostname, port: Number(redis.port || 6379) });
  });

  afterEach(async () => {
    closeAllClients();
    await node?.stop('SIGKILL');
    node = undefined;
    proxy?.resume();
  });

  afterAll(async () => {
    await proxy?.close();
    const redis = new Redis(inject('redisUrl'));
    try {
      await resources.release(redis);
    } finally {
      redis.disconnect();
    }
  });

  /** A node on the proxied Redis with one connected socket (whose presence cleanup needs Redis). */
  async function nodeWithSocket(env: Record<string, string>) {
    node = await startNodeProcess('node', {
      env: { ...resources.env, REDIS_URL: `redis://127.0.0.1:${proxy!.port}`, LOG_LEVEL: 'info', ...env },
    });
    const api = createFactories(
      fetchRequester(() => node!.url),
      () => undefined,
    );
    const user = await api.newUser().catch((error: Error) => {
      throw new Error(`${error.message}\n${node!.output()}`);
    });
    await connectClient(node.url, user.token);
    return node;
  }

  /** SIGTERM; resolves with the exit code, how long the node took to exit and its last log line ("stopped"). */
  async function terminate(running: NodeProcess) {
    const startedAt = performance.now();
    const code = await running.stop('SIGTERM');
    const lines = running.output().split('\n').flatMap((line) => {
      try {
        return [JSON.parse(line) as { msg?: string; failed?: string[]; abandoned?: string[] }];
      } catch {
        return [];
      }
    });
    return {
      code,
      ms: Math.round(performance.now() - startedAt),
      stopped: lines.find((line) => line.msg === 'stopped'),
      said: (msg: string) => lines.some((line) => line.msg === msg),
    };
  }

  it('a 20 s drain while Redis stalls: the node waits the whole drain (not 15 s), closes within its budget, exits 0', async () => {
    // Redis commands wait longer than the drain here: the drain, not the command deadline, must end the wait.
    const running = await nodeWithSocket({
      HEYYO_SHUTDOWN_DRAIN_MS: '20000',
      HEYYO_SHUTDOWN_CLOSE_MS: '3000',
      HEYYO_REDIS_DEADLINE_MS: '60000',
    });
    proxy!.stall();
    const { code, ms, stopped, said } = await terminate(running);
    const outcome = { code, drainHonoured: ms >= 19_500, withinGrace: ms <= 20_000 + 3000 + 2000 };
    expect(outcome, `exited ${code} after ${ms} ms:\n${running.output()}`).toEqual({ code: 0, drainHonoured: true, withinGrace: true });
    // What could not finish is in the log: the presence cleanup, and the steps that waited on Redis.
    expect(said('presence cleanup did not finish within the drain')).toBe(true);
    expect(stopped?.failed).toEqual([]);
    expect(stopped?.abandoned?.length).toBeGreaterThan(0);
    expect(stopped?.abandoned).not.toContain('close database');
  }, 60_000);

  it('a 20 s drain while Redis stalls, with the default command deadline: the cleanup fails fast, the node exits 0 long before the drain', async () => {
    const running = await nodeWithSocket({ HEYYO_SHUTDOWN_DRAIN_MS: '20000', HEYYO_SHUTDOWN_CLOSE_MS: '3000' });
    proxy!.stall();
    const { code, ms, said } = await terminate(running);
    const outcome = { code, quick: ms <= 1000 + 3000 + 2000 };
    expect(outcome, `exited ${code} after ${ms} ms:\n${running.output()}`).toEqual({ code: 0, quick: true });
    // The presence cleanup ran out of its Redis deadline (logged); the drain did not wait for it.
    expect(said('presence disconnect failed')).toBe(true);
    expect(said('presence cleanup did not finish within the drain')).toBe(false);
  }, 60_000);

  it('a short drain while Redis stalls: no close step holds the node past drain + close', async () => {
    const running = await nodeWithSocket({ HEYYO_SHUTDOWN_DRAIN_MS: '1000', HEYYO_SHUTDOWN_CLOSE_MS: '2000' });
    proxy!.stall();
    const { code, ms, stopped } = await terminate(running);
    const outcome = { code, withinGrace: ms <= 1000 + 2000 + 2000 };
    expect(outcome, `exited ${code} after ${ms} ms:\n${running.output()}`).toEqual({ code: 0, withinGrace: true });
    // A stall early in the chain does not starve a later step: Postgres is still closed.
    expect(stopped?.abandoned).not.toContain('close database');
  }, 60_000);

  it('a drain that completes: the node exits 0 at once, not after the drain time', async () => {
    const running = await nodeWithSocket({ HEYYO_SHUTDOWN_DRAIN_MS: '20000' });
    const { code, ms, stopped } = await terminate(running);
    const outcome = { code, quick: ms < 5000 };
    expect(outcome, `exited ${code} after ${ms} ms:\n${running.output()}`).toEqual({ code: 0, quick: true });
    expect(stopped).toMatchObject({ failed: [], abandoned: [] });
  }, 60_000);
});
