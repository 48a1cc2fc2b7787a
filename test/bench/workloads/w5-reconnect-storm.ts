/**
 * W5 reconnect storm: M clients on gateway 1, messages flowing from senders on gateway 2; gateway 1
 * is SIGKILLed; every client reconnects to gateway 2 (after a random 0–1 s delay, like
 * socket.io-client's randomized backoff) and catches up with messages.sync. Measures the time until
 * the last client holds every seq of its channel, and how many it never got (must be 0).
 */
import { io, type Socket } from 'socket.io-client';
import { onCleanup } from '../lib/cleanup.ts';
import type { HeyyoCluster } from '../lib/environment.ts';
import { connectClients } from '../lib/load.ts';
import { sleep } from '../lib/processes.ts';
import type { Row } from '../lib/report.ts';
import { createChannel, type BenchUser } from '../lib/rest.ts';
import { nowMs, round, summarize, type Summary } from '../lib/stats.ts';

export interface W5Options {
  clients: number;
  channels: number;
  /** Messages per second over all channels while the storm runs. */
  rate: number;
  /** Give up waiting for recovery after this long. */
  timeoutMs: number;
}

export interface W5Result {
  clients: number;
  recovered: number;
  /** From the SIGKILL until the last client had caught up. */
  recoveredAllMs: number | undefined;
  perClientRecovery: Summary;
  messagesSent: number;
  /** Seqs a client never received (live or by sync). */
  lost: number;
  /** Seqs received again (live after sync, or twice live): dropped by the client's seq check. */
  redundant: number;
  syncCalls: number;
  syncErrors: number;
  firstError?: string;
}

interface StormClient {
  index: number;
  channel: string;
  held: Set<number>;
  socket: Socket;
  recoveredAt?: number;
}

export async function runW5(heyyo: HeyyoCluster, users: readonly BenchUser[], options: W5Options, log: (line: string) => void) {
  const perChannel = options.clients / options.channels;
  const channelIds: string[] = [];
  for (let c = 0; c < options.channels; c++) channelIds.push(await createChannel(heyyo.apiUrl, users.slice(c * perChannel, (c + 1) * perChannel)));
  const [victim, survivor] = heyyo.cluster.gateways;
  if (!victim || !survivor) throw new Error('W5 needs two gateways');
  const channelOf = (index: number) => channelIds[Math.floor(index / perChannel)]!;

  const pool = await connectClients({
    gatewayUrls: [victim.url],
    count: options.clients,
    auth: (index) => ({ token: users[index]!.token }),
    channelsOf: (index) => [channelOf(index)],
  });
  const replacements = new Set<Socket>();
  const closeReplacements = onCleanup('W5 reconnected clients', () => replacements.forEach((socket) => socket.close()));
  // Senders: one connection per channel owner, on the surviving gateway.
  const senders = await connectClients({
    gatewayUrls: [survivor.url],
    count: options.channels,
    auth: (c) => ({ token: users[c * perChannel]!.token }),
    channelsOf: (c) => [channelIds[c]!],
  });
  let syncCalls = 0;
  let syncErrors = 0;
  let redundant = 0;
  let firstError: string | undefined;
  const onMessage = (client: StormClient) => (message: { channel_id?: string; seq?: number }) => {
    if (message.channel_id !== client.channel || typeof message.seq !== 'number') return;
    if (client.held.has(message.seq)) redundant++;
    else client.held.add(message.seq);
  };
  const clients: StormClient[] = pool.clients.map((load) => {
    const client: StormClient = { index: load.index, channel: load.channels[0]!, held: new Set(), socket: load.socket };
    load.socket.on('message.new', onMessage(client));
    return client;
  });
  await sleep(1000);

  // Open-loop sending through the whole storm.
  let sent = 0;
  const lastSeq = new Map<string, number>();
  const sendStart = nowMs();
  const timer = setInterval(() => {
    const due = Math.floor(((nowMs() - sendStart) * options.rate) / 1000);
    while (sent < due) {
      const c = sent++ % options.channels;
      const sender = senders.clients[c]!;
      sender.socket.timeout(15_000).emit('message.send', { channelId: channelIds[c], text: `storm ${sent}` }, (error: Error | null, ack?: { message?: { seq: number }; error?: string }) => {
        if (error || !ack?.message) {
          firstError ??= `send: ${error?.message ?? ack?.error}`;
          return;
        }
        lastSeq.set(channelIds[c]!, Math.max(lastSeq.get(channelIds[c]!) ?? 0, ack.message.seq));
      });
    }
  }, 5);
  const stopSending = onCleanup('W5 sender timer', () => clearInterval(timer));

  const catchUp = async (client: StormClient, socket: Socket) => {
    let after = client.held.size ? Math.max(...client.held) : 0;
    for (;;) {
      syncCalls++;
      const page = (await socket.timeout(20_000).emitWithAck('messages.sync', { channelId: client.channel, afterSeq: after, limit: 100 })) as {
        messages?: { seq: number }[];
        hasMore?: boolean;
        error?: string;
      };
      if (!page.messages) throw new Error(page.error ?? 'sync failed');
      for (const message of page.messages) {
        if (client.held.has(message.seq)) redundant++;
        else client.held.add(message.seq);
        after = Math.max(after, message.seq);
      }
      if (!page.hasMore) return;
    }
  };

  await sleep(2000);
  const killedAt = nowMs();
  for (const client of clients) {
    client.socket.once('disconnect', () => {
      client.socket.close();
      setTimeout(() => {
        const socket = io(survivor.url, { auth: { token: users[client.index]!.token }, transports: ['websocket'], forceNew: true, reconnection: true, timeout: 20_000 });
        replacements.add(socket);
        client.socket = socket;
        socket.on('message.new', onMessage(client));
        socket.on('connect', () => {
          catchUp(client, socket).then(
            () => (client.recoveredAt ??= nowMs()),
            (error: Error) => {
              syncErrors++;
              firstError ??= `sync: ${error.message}`;
            },
          );
        });
      }, Math.random() * 1000);
    });
  }
  await victim.stop('SIGKILL');
  log(`W5: SIGKILLed ${victim.name} under ${clients.length} clients`);
  const deadline = killedAt + options.timeoutMs;
  while (nowMs() < deadline && clients.some((client) => client.recoveredAt === undefined)) await sleep(100);
  await sleep(1000);
  await stopSending();
  // Outstanding acks and live deliveries.
  await sleep(2000);
  let lost = 0;
  for (const client of clients) {
    const last = lastSeq.get(client.channel) ?? 0;
    for (let seq = 1; seq <= last; seq++) if (!client.held.has(seq)) lost++;
  }
  const recoveredTimes = clients.flatMap((client) => (client.recoveredAt === undefined ? [] : [client.recoveredAt - killedAt]));
  const recovered = recoveredTimes.length;
  const result: W5Result = {
    clients: clients.length,
    recovered,
    recoveredAllMs: recovered === clients.length ? round(Math.max(...recoveredTimes)) : undefined,
    perClientRecovery: summarize(recoveredTimes),
    messagesSent: sent,
    lost,
    redundant,
    syncCalls,
    syncErrors,
    ...(firstError ? { firstError } : {}),
  };
  log(`W5: ${JSON.stringify(result)}`);
  await closeReplacements();
  await senders.close();
  await pool.close();
  const W = `W5 reconnect storm (${options.clients} clients, gateway SIGKILLed, ${options.rate} msg/s)`;
  const rows: Row[] = [
    {
      workload: W,
      metric: 'time until every client caught up',
      unit: 's',
      ...(result.recoveredAllMs === undefined ? {} : { ours: result.recoveredAllMs / 1000 }),
      note: `${recovered}/${clients.length} recovered; per client p50 ${round(result.perClientRecovery.p50 / 1000)} s, p99 ${round(result.perClientRecovery.p99 / 1000)} s; includes a random 0–1 s reconnect delay; no bare baseline`,
    },
    { workload: W, metric: 'messages lost', unit: 'count', ours: lost, note: `${sent} sent during the storm; ${redundant} redundant receipts dropped by seq; ${syncCalls} syncs, ${syncErrors} failed` },
  ];
  return { result, rows };
}
