/**
 * /ready with a Redis that stops answering (a partition: no error, no reply), through a TCP
 * proxy the test controls. Redis-only (REDIS_ONLY in vitest.config.ts): the memory engine has
 * no Redis to lose.
 */
import { describe, expect, it } from 'vitest';
import type { RunningNode } from '@heyyo/service-node';
import { useNodeBehindProxies } from '../support/node-behind-proxies.ts';

async function timedReady(node: RunningNode) {
  const startedAt = performance.now();
  const response = await fetch(`${node.url}/ready`);
  return { status: response.status, body: await response.json(), ms: performance.now() - startedAt };
}

describe('/ready when Redis stalls', () => {
  const ctx = useNodeBehindProxies({ label: 'ready', proxied: ['redis'] });

  it('answers 503 within 500 ms while Redis stalls, and 200 again once it answers', async () => {
    expect((await timedReady(ctx.node)).status).toBe(200);

    ctx.proxy('redis').stall();
    for (let probe = 0; probe < 3; probe++) {
      const stalled = await timedReady(ctx.node);
      expect(stalled.status).toBe(503);
      expect(stalled.body).toEqual({ status: 'unavailable', checks: { postgres: 'ok', redis: 'unavailable', load: 'ok' } });
      expect(stalled.ms).toBeLessThan(500);
    }

    ctx.proxy('redis').resume();
    const back = await timedReady(ctx.node);
    expect(back.status).toBe(200);
    expect(back.body).toEqual({ status: 'ready', checks: { postgres: 'ok', redis: 'ok', load: 'ok' } });
  });
});
