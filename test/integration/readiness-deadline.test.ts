/**
 * /ready with a Redis that stops answering (a partition: no error, no reply), through a TCP
 * proxy the test controls. Redis-only (REDIS_ONLY in vitest.config.ts): the memory engine has
 * no Redis to lose.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '@heyyo/config';
import { createLogger } from '@heyyo/logging';
import { startNode, type RunningNode } from '@heyyo/service-node';
import { fileResources } from '../support/resources.ts';
import { startStallingProxy, type StallingProxy } from '../support/stalling-proxy.ts';

async function timedReady(node: RunningNode) {
  const startedAt = performance.now();
  const response = await fetch(`${node.url}/ready`);
  return { status: response.status, body: await response.json(), ms: performance.now() - startedAt };
}

describe('/ready when Redis stalls', () => {
  const resources = fileResources('ready');
  let proxy: StallingProxy | undefined;
  let node: RunningNode | undefined;

  beforeAll(async () => {
    await resources.createDatabase();
    const redis = new URL(resources.env.REDIS_URL!);
    proxy = await startStallingProxy({ host: redis.hostname, port: Number(redis.port || 6379) });
    const config = loadConfig({
      ...resources.env,
      REDIS_URL: `redis://127.0.0.1:${proxy.port}`,
      PORT: '0',
      HOST: '127.0.0.1',
      HEYYO_SHUTDOWN_DRAIN_MS: '500',
      HEYYO_SHUTDOWN_CLOSE_MS: '2000',
    });
    node = await startNode(config, createLogger({ level: config.log.level, name: 'test' }));
  });

  afterAll(async () => {
    proxy?.resume();
    await node?.stop();
    await proxy?.close();
    await resources.release();
  });

  it('answers 503 within 500 ms while Redis stalls, and 200 again once it answers', async () => {
    expect((await timedReady(node!)).status).toBe(200);

    proxy!.stall();
    for (let probe = 0; probe < 3; probe++) {
      const stalled = await timedReady(node!);
      expect(stalled.status).toBe(503);
      expect(stalled.body).toEqual({ status: 'unavailable', checks: { postgres: 'ok', redis: 'unavailable', load: 'ok' } });
      expect(stalled.ms).toBeLessThan(500);
    }

    proxy!.resume();
    const back = await timedReady(node!);
    expect(back.status).toBe(200);
    expect(back.body).toEqual({ status: 'ready', checks: { postgres: 'ok', redis: 'ok', load: 'ok' } });
  });
});
