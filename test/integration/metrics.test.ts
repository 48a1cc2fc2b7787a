import { describe, expect, it } from 'vitest';
import { useNodeContext } from '../support/node-context.ts';
import { emitWithAck } from '../support/sockets.ts';

describe('GET /metrics', () => {
  // A wide coalescing window keeps a reaction recount observably pending in the last test.
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

  it('reports requests by route and status, socket events by outcome, the overload bound and the event loop', async () => {
    const user = await ctx.newUser();
    const channel = await ctx.newChannel(user);
    await ctx.request('GET', '/api/channels', { token: user.token });
    await ctx.request('GET', `/api/channels/${channel.id}/messages`, { token: user.token });
    const socket = await ctx.connect(user.token);
    await emitWithAck(socket, 'message.send', { channelId: channel.id, text: 'counted' });
    await emitWithAck(socket, 'message.send', { channelId: channel.id, text: '' });
    await ctx.settled();
    const text = await scrape();
    // Route patterns, never URLs: the channel's id is not a label.
    expect(sample(text, 'heyyo_http_request_duration_seconds_count{method="GET",route="/api/channels/:id/messages",status="200"}')).toBeGreaterThanOrEqual(1);
    expect(text).not.toContain(channel.id);
    expect(sample(text, 'heyyo_socket_event_duration_seconds_count{event="message.send",outcome="ok"}')).toBe(1);
    expect(sample(text, 'heyyo_socket_event_duration_seconds_count{event="message.send",outcome="HEYYO_ERR_VALIDATION"}')).toBe(1);
    expect(text).toContain('# TYPE heyyo_http_request_duration_seconds histogram');
    // The scrape itself is a request in flight; nothing was refused.
    expect(sample(text, 'heyyo_in_flight')).toBe(0);
    expect(sample(text, 'heyyo_overload_refusals_total')).toBe(0);
    expect(sample(text, 'heyyo_nodejs_eventloop_lag_seconds')).toBeGreaterThanOrEqual(0);
    expect(sample(text, 'heyyo_process_cpu_seconds_total')).toBeGreaterThan(0);
    // The stored message's path: its emit latency, the Postgres statements, the Redis commands.
    expect(sample(text, 'heyyo_message_emit_seconds_count')).toBe(1);
    expect(sample(text, 'heyyo_postgres_statement_duration_seconds_count{outcome="ok"}')).toBeGreaterThan(2);
    expect(sample(text, 'heyyo_postgres_pool_size')).toBe(ctx.config.database.poolMax);
    expect(sample(text, 'heyyo_postgres_statements_in_flight')).toBe(0);
    const redisCommands = text.split('\n').filter((line) => line.startsWith('heyyo_redis_command_duration_seconds_count{'));
    if (ctx.config.redis.forceMemoryEngine) expect(redisCommands).toEqual([]);
    else expect(redisCommands.some((line) => line.includes('outcome="ok"'))).toBe(true);
  });

  it('shows work waiting while a reaction is applied and its recount window is open', async () => {
    const owner = await ctx.newUser();
    const channel = await ctx.newChannel(owner);
    const message = await ctx.send(owner, channel.id);
    const reacted = await ctx.request('POST', `/api/channels/${channel.id}/messages/${message.id}/reactions`, {
      token: owner.token,
      body: { type: ':tada:' },
    });
    expect(reacted.status).toBe(200);
    // The reaction job, or the recount it asks for (which waits for its coalescing window to close).
    const text = await scrape();
    const pending = ['reactions', 'counters'].flatMap((queue) =>
      ['delayed', 'waiting', 'active'].map((state) => sample(text, `heyyo_queue_jobs{queue="${queue}",state="${state}"}`) ?? 0),
    );
    expect(pending.reduce((sum, jobs) => sum + jobs, 0)).toBeGreaterThan(0);
    await ctx.settled();
  });
});
