import { describe, expect, it } from 'vitest';
import { useNodeContext } from '../support/node-context.ts';

describe('GET /metrics', () => {
  // A wide coalescing window keeps a recount observably pending in the second test.
  const ctx = useNodeContext({ env: { HEYYO_COUNTER_COALESCE_MS: '1000' } });

  const scrape = async () => {
    const response = await fetch(`${ctx.url}/metrics`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/plain');
    return response.text();
  };
  const sample = (text: string, name: string) => {
    const line = text.split('\n').find((entry) => entry.startsWith(`${name} `));
    return line === undefined ? undefined : Number(line.slice(name.length + 1));
  };

  it('reports queue depth and lag per queue, socket connections and memory', async () => {
    const user = await ctx.newUser();
    await ctx.connect(user.token);
    await ctx.settled();
    const text = await scrape();
    for (const queue of ['reactions', 'counters']) {
      for (const state of ['waiting', 'delayed', 'active', 'failed']) {
        expect(sample(text, `heyyo_queue_jobs{queue="${queue}",state="${state}"}`)).toBe(0);
      }
      expect(sample(text, `heyyo_queue_lag_seconds{queue="${queue}"}`)).toBe(0);
    }
    expect(sample(text, 'heyyo_socket_connections')).toBe(1);
    expect(sample(text, 'heyyo_process_resident_memory_bytes')).toBeGreaterThan(10_000_000);
    expect(text).toContain('# TYPE heyyo_queue_jobs gauge');
    expect(sample(text, 'heyyo_recount_enqueue_failures_total')).toBe(0);
    expect(text).toContain('# TYPE heyyo_recount_enqueue_failures_total counter');
  });

  it('shows work waiting while a recount window is open', async () => {
    const owner = await ctx.newUser();
    const channel = await ctx.newChannel(owner);
    await ctx.send(owner, channel.id);
    // The recount for this channel waits for its coalescing window to close.
    const text = await scrape();
    const pending = ['delayed', 'waiting', 'active'].reduce(
      (sum, state) => sum + (sample(text, `heyyo_queue_jobs{queue="counters",state="${state}"}`) ?? 0),
      0,
    );
    expect(pending).toBeGreaterThan(0);
    await ctx.settled();
  });
});
