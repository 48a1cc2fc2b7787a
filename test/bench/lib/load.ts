/**
 * The load generator: N Socket.IO clients spread round-robin over gateways, an open-loop
 * sender (a timer schedule at a fixed total rate, never waiting for acks), and a recorder of
 * send→deliver latency per (message, receiver), lost and duplicate deliveries, and ack latency.
 */
import { io, type Socket } from 'socket.io-client';
import { onCleanup } from './cleanup.ts';
import { mapLimit, sleep } from './processes.ts';
import { nowMs, round, summarize, type Summary } from './stats.ts';

export interface LoadClient {
  index: number;
  socket: Socket;
  /** Channel ids this client is in (its sends go to channels[0]). */
  channels: string[];
}

export interface ConnectPlan {
  gatewayUrls: readonly string[];
  count: number;
  /** Handshake auth of client i (Heyyo: `{ token }`; the bare baseline: `{ channels }`). */
  auth(index: number): Record<string, unknown>;
  channelsOf(index: number): string[];
  /** Gateway of client i. @defaultValue round-robin */
  gatewayOf?: (index: number) => number;
  /** Reconnect automatically. @defaultValue false */
  reconnection?: boolean;
  concurrency?: number;
}

export interface ClientPool {
  clients: LoadClient[];
  close(): Promise<void>;
}

/** Connects every client over WebSocket (rejects on the first connect_error). */
export async function connectClients(plan: ConnectPlan): Promise<ClientPool> {
  const sockets = new Set<Socket>();
  const unregister = onCleanup(`${plan.count} load clients`, () => sockets.forEach((socket) => socket.close()));
  const gatewayOf = plan.gatewayOf ?? ((index: number) => index % plan.gatewayUrls.length);
  const clients = await mapLimit(
    Array.from({ length: plan.count }, (_, index) => index),
    plan.concurrency ?? 50,
    (index) =>
      new Promise<LoadClient>((resolve, reject) => {
        const socket = io(plan.gatewayUrls[gatewayOf(index)]!, {
          auth: plan.auth(index),
          transports: ['websocket'],
          reconnection: plan.reconnection ?? false,
          forceNew: true,
          timeout: 20_000,
        });
        sockets.add(socket);
        socket.once('connect', () => resolve({ index, socket, channels: plan.channelsOf(index) }));
        socket.once('connect_error', (error) => reject(new Error(`client ${index}: ${error.message}`)));
      }),
  );
  return {
    clients,
    async close() {
      await unregister();
    },
  };
}

export interface StepPlan {
  /** Messages per second, all senders together. */
  rate: number;
  durationMs: number;
  /** How long to wait for outstanding deliveries after the last send. */
  drainMs?: number;
}

export interface StepResult {
  rate: number;
  durationS: number;
  sent: number;
  acked: number;
  sendErrors: number;
  firstError?: string;
  expectedDeliveries: number;
  delivered: number;
  lost: number;
  duplicates: number;
  achievedSendRate: number;
  achievedDeliveryRate: number;
  /** Worst lateness of the sender's timer against its schedule (a saturated load generator shows here). */
  maxScheduleLagMs: number;
  latency: Summary;
  ack: Summary;
  /** No loss, no duplicate, no failed send, p99 within `p99LimitMs`. */
  passed: boolean;
}

interface Sent {
  channel: string;
  sentAt: number;
  acked: boolean;
  failed: boolean;
  receivers: Set<number>;
}

interface BenchMeta {
  sentAt: number;
  step: number;
  n: number;
}

/** Runs open-loop steps over a pool; every client in the pool both sends and receives. */
export function createFanoutDriver(pool: ClientPool) {
  const members = new Map<string, number>();
  for (const client of pool.clients) for (const channel of client.channels) members.set(channel, (members.get(channel) ?? 0) + 1);

  let step = 0;
  let sent: Sent[] = [];
  let latencies: number[] = [];
  let duplicates = 0;
  let delivered = 0;
  for (const client of pool.clients) {
    client.socket.on('message.new', (message: { metadata?: Partial<BenchMeta> }) => {
      const meta = message.metadata;
      if (!meta || meta.step !== step || typeof meta.n !== 'number' || typeof meta.sentAt !== 'number') return;
      const record = sent[meta.n];
      if (!record) return;
      if (record.receivers.has(client.index)) {
        duplicates++;
        return;
      }
      record.receivers.add(client.index);
      delivered++;
      latencies.push(nowMs() - meta.sentAt);
    });
  }

  async function run(plan: StepPlan, p99LimitMs = 50): Promise<StepResult> {
    step++;
    sent = [];
    latencies = [];
    duplicates = 0;
    delivered = 0;
    const acks: number[] = [];
    let sendErrors = 0;
    let firstError: string | undefined;
    let acked = 0;
    const total = Math.round((plan.rate * plan.durationMs) / 1000);
    const senders = pool.clients;
    const start = nowMs();
    let maxLag = 0;
    let lastSendAt = start;

    const sendOne = (n: number) => {
      const client = senders[n % senders.length]!;
      const channel = client.channels[0]!;
      const sentAt = nowMs();
      const record: Sent = { channel, sentAt, acked: false, failed: false, receivers: new Set() };
      sent[n] = record;
      const meta: BenchMeta = { sentAt, step, n };
      client.socket.timeout(15_000).emit('message.send', { channelId: channel, text: `bench ${n}`, metadata: meta }, (error: Error | null, ack?: { error?: string }) => {
        if (error || !ack || ack.error) {
          record.failed = true;
          sendErrors++;
          firstError ??= error ? error.message : (ack?.error ?? 'no ack');
          return;
        }
        record.acked = true;
        acked++;
        acks.push(nowMs() - sentAt);
      });
    };

    await new Promise<void>((resolve) => {
      let next = 0;
      const timer = setInterval(() => {
        const now = nowMs();
        const due = Math.min(total, Math.floor(((now - start) * plan.rate) / 1000));
        if (next < due) maxLag = Math.max(maxLag, now - (start + (next * 1000) / plan.rate));
        while (next < due) sendOne(next++);
        if (next >= total) {
          lastSendAt = now;
          clearInterval(timer);
          resolve();
        }
      }, 2);
    });

    const expectedOf = (record: Sent) => (record.failed ? 0 : (members.get(record.channel) ?? 0));
    const deadline = nowMs() + (plan.drainMs ?? 5000);
    while (nowMs() < deadline) {
      const expected = sent.reduce((sum, record) => sum + expectedOf(record), 0);
      if (acked + sendErrors >= total && delivered >= expected) break;
      await sleep(20);
    }
    const expectedDeliveries = sent.reduce((sum, record) => sum + expectedOf(record), 0);
    const sendSeconds = Math.max(0.001, (lastSendAt - start) / 1000);
    const latency = summarize(latencies);
    const lost = Math.max(0, expectedDeliveries - delivered);
    const result: StepResult = {
      rate: plan.rate,
      durationS: round(sendSeconds),
      sent: total,
      acked,
      sendErrors,
      ...(firstError ? { firstError } : {}),
      expectedDeliveries,
      delivered,
      lost,
      duplicates,
      achievedSendRate: round(total / sendSeconds, 1),
      achievedDeliveryRate: round(delivered / sendSeconds, 1),
      maxScheduleLagMs: round(maxLag),
      latency,
      ack: summarize(acks),
      passed: lost === 0 && duplicates === 0 && sendErrors === 0 && acked === total && latency.p99 <= p99LimitMs,
    };
    return result;
  }

  return { run };
}

export const describeStep = (label: string, result: StepResult) =>
  `${label} ${result.rate}/s: sent ${result.sent} (${result.achievedSendRate}/s) delivered ${result.delivered}/${result.expectedDeliveries} ` +
  `(${result.achievedDeliveryRate}/s) lost ${result.lost} dup ${result.duplicates} err ${result.sendErrors} ` +
  `p50 ${result.latency.p50} p90 ${result.latency.p90} p99 ${result.latency.p99} max ${result.latency.max} ms; ` +
  `ack p50 ${result.ack.p50} p99 ${result.ack.p99} ms; lag ${result.maxScheduleLagMs} ms → ${result.passed ? 'pass' : 'FAIL'}` +
  (result.firstError ? ` (first error: ${result.firstError})` : '');
