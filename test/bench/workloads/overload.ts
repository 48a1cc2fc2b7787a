/**
 * Overload: a fresh cluster with its overload bound on (HEYYO_MAX_IN_FLIGHT at its default; only
 * rate limits raised) is driven at R/2, then 2×R, then R/2 again, R being our max sustainable rate
 * (W1 fresh). Clients retry refused sends with backoff and the same clientId, like the SDK. What
 * is accepted must stay fast, nothing acknowledged may be lost, and latency must come back.
 */
import { missingOf, shouldArrive, type RunRecord } from '../lib/fanout-driver.ts';
import type { RetryPolicy, SentMessage } from '../lib/message-send.ts';
import { phaseBoundaries, schedule, type Phase } from '../lib/open-loop.ts';
import type { Row } from '../lib/report.ts';
import { percentile, round, summarize, type Summary } from '../lib/stats.ts';
import { evenMembership, freshHeyyoFanout, withTarget, type Layout } from './fanout-target.ts';

export interface OverloadOptions extends Layout {
  /** R when W1 found none and no --overload-rate was given. */
  defaultRate: number;
  warmMs: number;
  overloadMs: number;
  recoverMs: number;
}

const ACK_TIMEOUT_MS = 10_000;
const RETRY: RetryPolicy = { tries: 5, baseDelayMs: 50 };
/** A 1 s window counts as recovered when its p99 is under this. */
const RECOVERED_P99_MS = 50;

export interface OverloadResult {
  rate: number;
  rateSource: string;
  phases: Phase[];
  sent: number;
  /** Sends due during the 2×R phase, and how many of them were accepted. */
  overloadSends: number;
  overloadAccepted: number;
  /** Accepted sends of the 2×R phase, from the accepted try. */
  ack: Summary;
  deliver: Summary;
  /** The same, from the first try (retry waits included). */
  ackFromFirstTry: Summary;
  deliverFromFirstTry: Summary;
  ackTimeouts: number;
  ackedLost: number;
  refusedTries: number;
  retriedSends: number;
  gaveUp: number;
  otherErrors: number;
  firstError?: string;
  /** From the end of the 2×R phase until the first 1 s window from which every window's p99 < 50 ms; undefined: never. */
  recoveryMs?: number;
  /** Every second of the run: sends due in it, refused tries among them, p99 from the first try. */
  timeline: { second: number; sends: number; refused: number; p99: number | null }[];
  maxScheduleLagMs: number;
}

export async function runOverload(rate: number, rateSource: string, options: OverloadOptions, log: (line: string) => void) {
  const phases: Phase[] = [
    { rate: rate / 2, durationMs: options.warmMs },
    { rate: rate * 2, durationMs: options.overloadMs },
    { rate: rate / 2, durationMs: options.recoverMs },
  ];
  log(`overload: R = ${rate} msg/s (${rateSource}); ${phases.map((phase) => `${phase.rate}/s for ${phase.durationMs / 1000} s`).join(', then ')}`);
  const record = await withTarget(
    () => freshHeyyoFanout('overload', evenMembership(options), { overloadBound: true }),
    (target) => target.driver.runPhases({ phases, ackTimeoutMs: ACK_TIMEOUT_MS, retry: RETRY, drainMs: ACK_TIMEOUT_MS + 5000 }),
  );
  const result = analyze(record, rate, rateSource, phases);
  log(`overload: ${JSON.stringify({ ...result, timeline: undefined })}`);
  log(`overload timeline (s: sends/refused/p99 ms): ${result.timeline.map((w) => `${w.second}: ${w.sends}/${w.refused}/${w.p99 ?? 'never'}`).join('  ')}`);
  return { result, rows: overloadRows(result, options) };
}

/** Latencies of a message's deliveries from its first try; each missing delivery counts as never. */
function fromFirstTry(record: RunRecord, message: SentMessage, arrivals: Map<number, number[]>): number[] {
  const latencies = (arrivals.get(message.n) ?? []).map((at) => at - message.firstAt);
  const missing = shouldArrive(message) ? missingOf(record, message) : record.membersOf(message.channel);
  for (let k = 0; k < missing; k++) latencies.push(Number.POSITIVE_INFINITY);
  return latencies;
}

function analyze(record: RunRecord, rate: number, rateSource: string, phases: Phase[]): OverloadResult {
  const [, overloadStart, overloadEnd, end] = phaseBoundaries(phases) as [number, number, number, number];
  // Sends are placed by when they were due, so a lagging load generator does not move them between windows.
  const { scheduledAt } = schedule(phases);
  const offset = (message: SentMessage) => scheduledAt(message.n);
  const arrivals = new Map<number, number[]>();
  for (const receipt of record.receipts) {
    const list = arrivals.get(receipt.n) ?? [];
    list.push(receipt.at);
    arrivals.set(receipt.n, list);
  }

  const during = record.sent.filter((message) => offset(message) >= overloadStart && offset(message) < overloadEnd);
  const accepted = during.filter((message) => message.outcome === 'acked');
  const acceptedIds = new Set(accepted.map((message) => message.n));
  const acceptedReceipts = record.receipts.filter((receipt) => acceptedIds.has(receipt.n));
  const firstTryOf = new Map(accepted.map((message) => [message.n, message.firstAt]));

  // One-second windows: p99 (from the first try) of every delivery the window's sends should have made
  // (null: past the 99th percentile some never arrived).
  const windowP99 = (fromMs: number) => {
    const latencies = record.sent
      .filter((message) => offset(message) >= fromMs && offset(message) < fromMs + 1000)
      .flatMap((message) => fromFirstTry(record, message, arrivals))
      .sort((a, b) => (a === b ? 0 : a < b ? -1 : 1));
    const p99 = latencies.length ? percentile(latencies, 99) : 0;
    return Number.isFinite(p99) ? round(p99) : null;
  };
  const timeline = Array.from({ length: Math.ceil(end / 1000) }, (_, second) => {
    const sends = record.sent.filter((message) => Math.floor(offset(message) / 1000) === second);
    return { second, sends: sends.length, refused: sends.reduce((sum, message) => sum + message.refused, 0), p99: windowP99(second * 1000) };
  });
  const after = Array.from({ length: Math.floor((end - overloadEnd) / 1000) }, (_, k) => windowP99(overloadEnd + k * 1000));
  const firstGood = after.findIndex((_, k) => after.slice(k).every((p99) => p99 !== null && p99 < RECOVERED_P99_MS));

  const failed = record.sent.filter((message) => message.outcome !== 'acked' && message.outcome !== 'pending');
  const firstError = failed[0]?.error;
  return {
    rate,
    rateSource,
    phases,
    sent: record.total,
    overloadSends: during.length,
    overloadAccepted: accepted.length,
    ack: summarize(accepted.map((message) => message.ackedAt! - message.attemptAt)),
    deliver: summarize(acceptedReceipts.map((receipt) => receipt.ms)),
    ackFromFirstTry: summarize(accepted.map((message) => message.ackedAt! - message.firstAt)),
    deliverFromFirstTry: summarize(acceptedReceipts.map((receipt) => receipt.at - firstTryOf.get(receipt.n)!)),
    ackTimeouts: record.sent.filter((message) => message.outcome === 'timeout').length,
    ackedLost: record.sent.filter((message) => message.outcome === 'acked' && missingOf(record, message) > 0).length,
    refusedTries: record.sent.reduce((sum, message) => sum + message.refused, 0),
    retriedSends: record.sent.filter((message) => message.tries > 1).length,
    gaveUp: record.sent.filter((message) => message.outcome === 'refused').length,
    otherErrors: record.sent.filter((message) => message.outcome === 'error').length,
    ...(firstError ? { firstError } : {}),
    ...(firstGood < 0 ? {} : { recoveryMs: firstGood * 1000 }),
    timeline,
    maxScheduleLagMs: round(record.maxLagMs),
  };
}

function overloadRows(r: OverloadResult, options: OverloadOptions): Row[] {
  const [warm, overload, recover] = r.phases as [Phase, Phase, Phase];
  const seconds = (phase: Phase) => phase.durationMs / 1000;
  const W =
    `Overload (${options.clients} clients, ${options.channels}×${options.clients / options.channels}; ` +
    `${warm.rate}/s ${seconds(warm)} s → ${overload.rate}/s ${seconds(overload)} s → ${recover.rate}/s ${seconds(recover)} s; R = ${r.rate} msg/s, ${r.rateSource})`;
  const acceptedShare = `${r.overloadAccepted} of ${r.overloadSends} sends due during the overload accepted`;
  return [
    {
      workload: W,
      metric: 'accepted sends during the overload: p99 send→ack',
      unit: 'ms',
      ours: r.ack.p99,
      note: `p50 ${r.ack.p50} ms; from the first try (retry waits included) p50 ${r.ackFromFirstTry.p50}, p99 ${r.ackFromFirstTry.p99} ms; ${acceptedShare}`,
    },
    {
      workload: W,
      metric: 'accepted sends during the overload: p99 send→deliver',
      unit: 'ms',
      ours: r.deliver.p99,
      note: `p50 ${r.deliver.p50} ms; from the first try p50 ${r.deliverFromFirstTry.p50}, p99 ${r.deliverFromFirstTry.p99} ms`,
    },
    { workload: W, metric: `ack timeouts (no ack in ${ACK_TIMEOUT_MS / 1000} s)`, unit: 'count', ours: r.ackTimeouts },
    { workload: W, metric: 'acknowledged messages lost (not delivered to every member)', unit: 'count', ours: r.ackedLost },
    {
      workload: W,
      metric: 'refused tries (HEYYO_ERR_OVERLOADED / UNAVAILABLE)',
      unit: 'count',
      ours: r.refusedTries,
      note:
        `${r.retriedSends} of ${r.sent} sends retried (≤ ${RETRY.tries} tries, ${RETRY.baseDelayMs} ms × 2^n jittered, same clientId); ` +
        `${r.gaveUp} gave up, ${r.otherErrors} other errors${r.firstError ? ` (first: ${r.firstError})` : ''}; load generator lag ≤ ${r.maxScheduleLagMs} ms`,
    },
    {
      workload: W,
      metric: `recovery: overload end → p99 stays < ${RECOVERED_P99_MS} ms (1 s windows)`,
      unit: 's',
      ...(r.recoveryMs === undefined ? {} : { ours: r.recoveryMs / 1000 }),
      note:
        (r.recoveryMs === undefined ? `not recovered within ${seconds(recover)} s; ` : '') +
        `p99 from the first try per second after it: ${r.timeline.slice(Math.round(seconds(warm) + seconds(overload))).map((w) => w.p99 ?? 'never').join(', ')} ms`,
    },
  ];
}
