/**
 * Open-loop message load over a pool of clients, and the recorder of what came back: every
 * (message, receiver) delivery with its send→deliver latency, duplicates, and each send's ack.
 * Every client in the pool receives; who sends each message is the `pick` function's choice.
 */
import type { ClientPool, LoadClient } from './load.ts';
import { sendMessage, type RetryPolicy, type SentMessage } from './message-send.ts';
import { runOpenLoop, type LoopTiming, type Phase } from './open-loop.ts';
import { sleep } from './processes.ts';
import { nowMs, round, summarize, type Summary } from './stats.ts';

/** Who sends message n, to which of its channels. */
export type PickSender = (n: number) => { client: LoadClient; channel: string };

/** Round-robin over the clients, each to its first channel. */
export const roundRobinSenders =
  (pool: ClientPool): PickSender =>
  (n) => {
    const client = pool.clients[n % pool.clients.length]!;
    return { client, channel: client.channels[0]! };
  };

export interface RunPlan {
  phases: Phase[];
  /** How long to wait for outstanding acks and deliveries after the last send. @defaultValue 5000 */
  drainMs?: number;
  /** @defaultValue 15000 */
  ackTimeoutMs?: number;
  /** Retry refused sends with the same clientId (sent only then). @defaultValue no retries */
  retry?: RetryPolicy;
}

/** A delivery: when it arrived and how long after the accepted try. */
export interface Receipt {
  n: number;
  at: number;
  ms: number;
}

export interface RunRecord extends LoopTiming {
  sent: SentMessage[];
  receipts: Receipt[];
  duplicates: number;
  /** Clients in a channel: the deliveries each of its messages should get. */
  membersOf(channel: string): number;
}

export interface StepPlan {
  /** Messages per second, all senders together. */
  rate: number;
  durationMs: number;
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

interface BenchMeta {
  sentAt: number;
  step: number;
  n: number;
}

/** Messages that should reach every member: acknowledged, or still waiting for their ack. */
export const shouldArrive = (message: SentMessage) => message.outcome === 'acked' || message.outcome === 'pending';

/** Deliveries a message is still missing. */
export const missingOf = (record: RunRecord, message: SentMessage) =>
  shouldArrive(message) ? Math.max(0, record.membersOf(message.channel) - message.receivers.size) : 0;

export function createFanoutDriver(pool: ClientPool, pick: PickSender = roundRobinSenders(pool)) {
  const members = new Map<string, number>();
  for (const client of pool.clients) for (const channel of client.channels) members.set(channel, (members.get(channel) ?? 0) + 1);
  const membersOf = (channel: string) => members.get(channel) ?? 0;

  let step = 0;
  let current: RunRecord | undefined;
  for (const client of pool.clients) {
    client.socket.on('message.new', (message: { metadata?: Partial<BenchMeta> }) => {
      const meta = message.metadata;
      if (!current || !meta || meta.step !== step || typeof meta.n !== 'number') return;
      const sent = current.sent[meta.n];
      if (!sent) return;
      if (sent.receivers.has(client.index)) {
        current.duplicates++;
        return;
      }
      sent.receivers.add(client.index);
      const at = nowMs();
      current.receipts.push({ n: meta.n, at, ms: at - sent.attemptAt });
    });
  }

  /** Sends on the phases' schedule, then waits (up to drainMs) for every ack and delivery. */
  async function runPhases(plan: RunPlan): Promise<RunRecord> {
    step++;
    const record: RunRecord = { start: 0, lastSendAt: 0, total: 0, maxLagMs: 0, sent: [], receipts: [], duplicates: 0, membersOf };
    current = record;
    let settled = 0;
    const options = { ackTimeoutMs: plan.ackTimeoutMs ?? 15_000, ...(plan.retry ? { retry: plan.retry } : {}) };
    const timing = await runOpenLoop(plan.phases, (n) => {
      const { client, channel } = pick(n);
      const sentAt = nowMs();
      const message: SentMessage = { n, channel, firstAt: sentAt, attemptAt: sentAt, tries: 0, refused: 0, outcome: 'pending', receivers: new Set() };
      record.sent[n] = message;
      const meta: BenchMeta = { sentAt, step, n };
      const payload = { channelId: channel, text: `bench ${n}`, metadata: meta, ...(plan.retry ? { clientId: `bench-${step}-${n}` } : {}) };
      sendMessage(client.socket, message, payload, options, () => settled++);
    });
    Object.assign(record, timing);
    const deadline = nowMs() + (plan.drainMs ?? 5000);
    while (nowMs() < deadline) {
      if (settled >= record.total && record.sent.every((message) => missingOf(record, message) === 0)) break;
      await sleep(20);
    }
    return record;
  }

  /** One step at a fixed rate, summarized; passed = nothing lost, duplicated or failed, p99 within the limit. */
  async function run(plan: StepPlan, p99LimitMs = 50): Promise<StepResult> {
    const phases = [{ rate: plan.rate, durationMs: plan.durationMs }];
    return summarizeStep(plan.rate, await runPhases({ phases, ...(plan.drainMs === undefined ? {} : { drainMs: plan.drainMs }) }), p99LimitMs);
  }

  return { runPhases, run };
}

export type FanoutDriver = ReturnType<typeof createFanoutDriver>;

function summarizeStep(rate: number, record: RunRecord, p99LimitMs: number): StepResult {
  const acked = record.sent.filter((message) => message.outcome === 'acked');
  const failed = record.sent.filter((message) => !shouldArrive(message));
  const arriving = record.sent.filter(shouldArrive);
  const expectedDeliveries = arriving.reduce((sum, message) => sum + record.membersOf(message.channel), 0);
  const lost = arriving.reduce((sum, message) => sum + missingOf(record, message), 0);
  const sendSeconds = Math.max(0.001, (record.lastSendAt - record.start) / 1000);
  const latency = summarize(record.receipts.map((receipt) => receipt.ms));
  const firstError = failed[0]?.error;
  return {
    rate,
    durationS: round(sendSeconds),
    sent: record.total,
    acked: acked.length,
    sendErrors: failed.length,
    ...(firstError ? { firstError } : {}),
    expectedDeliveries,
    delivered: record.receipts.length,
    lost,
    duplicates: record.duplicates,
    achievedSendRate: round(record.total / sendSeconds, 1),
    achievedDeliveryRate: round(record.receipts.length / sendSeconds, 1),
    maxScheduleLagMs: round(record.maxLagMs),
    latency,
    ack: summarize(acked.map((message) => message.ackedAt! - message.attemptAt)),
    passed: lost === 0 && record.duplicates === 0 && failed.length === 0 && acked.length === record.total && latency.p99 <= p99LimitMs,
  };
}

export const describeStep = (label: string, result: StepResult) =>
  `${label} ${result.rate}/s: sent ${result.sent} (${result.achievedSendRate}/s) delivered ${result.delivered}/${result.expectedDeliveries} ` +
  `(${result.achievedDeliveryRate}/s) lost ${result.lost} dup ${result.duplicates} err ${result.sendErrors} ` +
  `p50 ${result.latency.p50} p90 ${result.latency.p90} p99 ${result.latency.p99} max ${result.latency.max} ms; ` +
  `ack p50 ${result.ack.p50} p99 ${result.ack.p99} ms; lag ${result.maxScheduleLagMs} ms → ${result.passed ? 'pass' : 'FAIL'}` +
  (result.firstError ? ` (first error: ${result.firstError})` : '');
