/**
 * W4 reactions burst through BullMQ: clients add and remove reactions as fast as their acks
 * allow (closed loop, one in flight each), then the worker drains the queues. Reports the
 * ingest rate (acknowledged = durably queued), the drain rate, the deepest the queues got and
 * the oldest waiting job, and the counter drift that `npm run reconcile` would find afterwards.
 */
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { COUNTERS_QUEUE, REACTIONS_QUEUE } from '@heyyo/contracts';
import { createCountersRepository, createDb, type Drift } from '@heyyo/database';
import { isIdle, queueStats } from '@heyyo/queue';
import { redisKeys } from '@heyyo/realtime';
import { REDIS_URL, type HeyyoCluster } from '../lib/environment.ts';
import { connectClients, type LoadClient } from '../lib/load.ts';
import { sleep } from '../lib/processes.ts';
import type { Row } from '../lib/report.ts';
import { call, createChannel, type BenchUser } from '../lib/rest.ts';
import { nowMs, summarize, type Summary } from '../lib/stats.ts';

export interface W4Options {
  /** Clients reacting, all in one channel (≤ 100: members given at creation). */
  clients: number;
  /** Messages they react to. */
  messages: number;
  burstMs: number;
  /** Give up waiting for the worker after this long. */
  drainTimeoutMs: number;
}

export interface W4Result {
  clients: number;
  acked: number;
  errors: number;
  firstError?: string;
  ingestPerSecond: number;
  ackLatency: Summary;
  /** From the first reaction sent until both queues are idle. */
  drainPerSecond: number;
  /** From the last ack until both queues are idle. */
  drainTailMs: number;
  maxQueued: number;
  maxLagSeconds: number;
  drift: Drift;
}

const TYPES = ['👍', '❤️', '😂', '🎉', '🔥'];

/** One client's closed loop: react, wait for the ack, react again, until `until`. */
async function reactUntil(client: LoadClient, messageIds: readonly string[], until: number, record: (ms: number, error?: string) => void) {
  while (Date.now() < until) {
    const event = Math.random() < 0.8 ? 'reaction.add' : 'reaction.remove';
    const payload = { messageId: messageIds[Math.floor(Math.random() * messageIds.length)]!, type: TYPES[Math.floor(Math.random() * TYPES.length)]! };
    const started = nowMs();
    const ack = (await client.socket.timeout(10_000).emitWithAck(event, payload).catch((error: Error) => ({ error: error.message }))) as {
      success?: boolean;
      error?: string;
    };
    record(nowMs() - started, ack.success ? undefined : (ack.error ?? 'no ack'));
  }
}

export async function runW4(heyyo: HeyyoCluster, users: readonly BenchUser[], options: W4Options, log: (line: string) => void) {
  const members = users.slice(0, options.clients);
  const owner = members[0]!;
  const channelId = await createChannel(heyyo.apiUrl, members);
  const messageIds: string[] = [];
  for (let index = 0; index < options.messages; index++) {
    const message = await call<{ id: string }>(heyyo.apiUrl, 'POST', `/api/channels/${channelId}/messages`, { text: `react to me ${index}` }, owner.token);
    messageIds.push(message.id);
  }

  const connection = new Redis(REDIS_URL, { maxRetriesPerRequest: 3 });
  const prefix = redisKeys(heyyo.keyPrefix).bullPrefix;
  const queues = [REACTIONS_QUEUE, COUNTERS_QUEUE].map((name) => new Queue(name, { connection, prefix }));
  const database = createDb({ url: heyyo.database.url, poolMax: 2 });
  const pool = await connectClients({
    gatewayUrls: heyyo.gatewayUrls,
    count: members.length,
    auth: (index) => ({ token: members[index]!.token }),
    channelsOf: () => [channelId],
  });
  try {
    let maxQueued = 0;
    let maxLagSeconds = 0;
    const sample = async () => {
      const stats = await queueStats(queues);
      maxQueued = Math.max(maxQueued, stats.reduce((sum, queue) => sum + queue.waiting + queue.delayed + queue.active, 0));
      maxLagSeconds = Math.max(maxLagSeconds, ...stats.map((queue) => queue.lagSeconds));
      return stats;
    };
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        await sample();
        await sleep(200);
      }
    })();

    const latencies: number[] = [];
    let errors = 0;
    let firstError: string | undefined;
    const started = Date.now();
    await Promise.all(
      pool.clients.map((client) =>
        reactUntil(client, messageIds, started + options.burstMs, (ms, error) => {
          if (error) (errors++, (firstError ??= error));
          else latencies.push(ms);
        }),
      ),
    );
    const burstEnded = Date.now();
    let drained: number | undefined;
    while (Date.now() - burstEnded < options.drainTimeoutMs) {
      if (isIdle(await sample())) {
        drained = Date.now();
        break;
      }
      await sleep(100);
    }
    sampling = false;
    await sampler;
    if (drained === undefined) throw new Error(`the worker did not drain the queues within ${options.drainTimeoutMs} ms`);

    const acked = latencies.length;
    const result: W4Result = {
      clients: pool.clients.length,
      acked,
      errors,
      ...(firstError ? { firstError } : {}),
      ingestPerSecond: acked / ((burstEnded - started) / 1000),
      ackLatency: summarize(latencies),
      drainPerSecond: acked / ((drained - started) / 1000),
      drainTailMs: drained - burstEnded,
      maxQueued,
      maxLagSeconds,
      drift: await createCountersRepository(database.db).reconcile(false),
    };
    log(`W4: ${JSON.stringify(result)}`);
    return { result, rows: rowsOf(result, options) };
  } finally {
    await pool.close();
    await Promise.all(queues.map((queue) => queue.close()));
    connection.disconnect();
    await database.close();
  }
}

/** Every kind of drift reconcile reports, summed (whatever kinds the repository counts). */
export const totalDrift = (drift: Drift) => Object.values(drift).reduce((sum: number, count) => sum + Number(count), 0);

function rowsOf(r: W4Result, options: W4Options): Row[] {
  const W = `W4 reactions burst (${r.clients} clients, ${options.messages} messages, ${options.burstMs / 1000} s)`;
  const drift = totalDrift(r.drift);
  return [
    { workload: W, metric: 'ingest: reactions acknowledged/s', unit: '/s', ours: r.ingestPerSecond, note: `${r.acked} acked, ${r.errors} errors; ack p50 ${r.ackLatency.p50} ms, p99 ${r.ackLatency.p99} ms` },
    { workload: W, metric: 'drain: reactions applied/s (first send → queues idle)', unit: '/s', ours: r.drainPerSecond, note: `queues idle ${r.drainTailMs} ms after the last ack` },
    { workload: W, metric: 'deepest queue / oldest waiting job', unit: 'jobs', ours: r.maxQueued, note: `oldest waiting job ${r.maxLagSeconds.toFixed(2)} s` },
    { workload: W, metric: 'counter drift after (reconcile)', unit: 'count', ours: drift, note: Object.entries(r.drift).map(([kind, count]) => `${kind} ${count}`).join(', ') },
  ];
}
