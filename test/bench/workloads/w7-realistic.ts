/**
 * W7 realistic: many small channels at a chat's pace on a fresh cluster — direct pairs and groups
 * of 2–8, each channel sending about one message every few seconds from a random member, and
 * every receiver marking the channel read (`channel.read`) as messages arrive. The same layout
 * runs on the bare baseline, which only sends (it has no read state).
 */
import { describeStep } from '../lib/fanout-driver.ts';
import { markReadOnArrival, type ReadMarkStats } from '../lib/read-marker.ts';
import { randomInt, seededRandom } from '../lib/random.ts';
import type { Row } from '../lib/report.ts';
import { round } from '../lib/stats.ts';
import { freshBareFanout, freshHeyyoFanout, withTarget, type Membership } from './fanout-target.ts';
import { cpuSideBySide, measureStep, totalCpu, type MeasuredStep } from './measured-step.ts';

export interface W7Options {
  clients: number;
  /** Direct channels of 2. */
  pairs: number;
  /** Group channels of 2–8 (sizes drawn from a seeded generator). */
  groups: number;
  /** Each channel sends one message per this many ms (channels are staggered evenly). */
  messageEveryMs: number;
  warmupMs: number;
  durationMs: number;
}

const MIN_GROUP = 2;
const MAX_GROUP = 8;
/** Pass/fail is not W7's question; the limit only feeds the driver's verdict in the JSON. */
const P99_LIMIT_MS = 50;
/** Late is not lost: a delivery counts as lost only if it has not come 15 s after the last send. */
const DRAIN_MS = 15_000;

/**
 * Pairs first: pair p is clients 2p and 2p+1. Then each group takes the next clients in order,
 * wrapping around: groups average 5 members, so a client is in 1–3 channels (2,000 clients cannot
 * fill 500 pairs and 500 groups of 2–8 with one channel each). Consecutive clients sit on
 * alternate gateways, so every channel spans both.
 */
export function realisticMembership(options: W7Options): Membership {
  if (options.clients < 2 * options.pairs + MAX_GROUP) throw new Error(`W7: ${options.clients} clients cannot hold ${options.pairs} pairs and the groups`);
  const sizes = seededRandom(7);
  const channels: number[][] = Array.from({ length: options.pairs }, (_, pair) => [2 * pair, 2 * pair + 1]);
  let next = 2 * options.pairs;
  for (let group = 0; group < options.groups; group++) {
    const size = randomInt(sizes, MIN_GROUP, MAX_GROUP);
    channels.push(Array.from({ length: size }, (_, k) => (next + k) % options.clients));
    next += size;
  }
  const senders = seededRandom(11);
  return {
    clients: options.clients,
    channels,
    // Channel n mod C sends message n: each channel once per period, staggered evenly; a random member sends.
    senderOf: (n) => {
      const channel = n % channels.length;
      const members = channels[channel]!;
      return { client: members[randomInt(senders, 0, members.length - 1)]!, channel };
    },
  };
}

export interface W7Result {
  rate: number;
  memberships: number;
  ours: MeasuredStep;
  reads: ReadMarkStats & { perSecond: number };
  baseline: MeasuredStep;
}

export async function runW7(options: W7Options, log: (line: string) => void) {
  const membership = realisticMembership(options);
  const channelCount = membership.channels.length;
  const rate = (channelCount * 1000) / options.messageEveryMs;
  const memberships = membership.channels.reduce((sum, members) => sum + members.length, 0);
  const measured = { rate, durationMs: options.durationMs, p99LimitMs: P99_LIMIT_MS, drainMs: DRAIN_MS };
  log(`W7: ${options.clients} clients, ${channelCount} channels, ${memberships} memberships, ${rate} msg/s`);
  const began = Date.now();

  const { ours, reads } = await withTarget(
    () => freshHeyyoFanout('w7', membership),
    async (target) => {
      log(`W7 ours: fresh cluster, users, channels and clients ready after ${((Date.now() - began) / 1000).toFixed(1)} s`);
      const users = target.users!;
      const reader = markReadOnArrival(target.pool, (index) => users[index]!.id);
      try {
        await target.driver.run({ rate, durationMs: options.warmupMs }, P99_LIMIT_MS);
        reader.reset();
        const step = await measureStep(target, measured);
        return { ours: step, reads: reader.stats() };
      } finally {
        reader.stop();
      }
    },
  );
  log(`${describeStep('W7 ours', ours)}; channel.read ${reads.marks} (${reads.errors} errors), ack p99 ${reads.ack.p99} ms`);
  const baseline = await withTarget(
    () => freshBareFanout('w7-bare', membership),
    (target) => measureStep(target, { ...measured, warmupMs: options.warmupMs }),
  );
  log(describeStep('W7 bare', baseline));

  const result: W7Result = { rate, memberships, ours, reads: { ...reads, perSecond: round(reads.marks / ours.durationS, 1) }, baseline };
  return { result, rows: w7Rows(result, options) };
}

/** Worker + this database's Postgres backends, CPU per message: the counters' cost, plus the inserts and read marks. */
export const workerAndPostgres = (step: MeasuredStep) => round((step.cpuMsPerMessage.worker ?? 0) + (step.cpuMsPerMessage.postgres ?? 0), 3);

function w7Rows(r: W7Result, options: W7Options): Row[] {
  const W = `W7 realistic (${options.clients} clients, ${options.pairs} pairs + ${options.groups} groups of 2–8, ${r.rate} msg/s, fresh)`;
  const B = 'bare Socket.IO, sends only';
  const side = (value: (step: MeasuredStep) => number) => ({ ours: value(r.ours), baseline: value(r.baseline), baselineName: B });
  return [
    { workload: W, metric: 'p50 send→deliver latency', unit: 'ms', ...side((step) => step.latency.p50) },
    { workload: W, metric: 'p99 send→deliver latency', unit: 'ms', ...side((step) => step.latency.p99) },
    { workload: W, metric: 'ack p99', unit: 'ms', ...side((step) => step.ack.p99), note: `ack p50 ours ${r.ours.ack.p50} ms, bare ${r.baseline.ack.p50} ms` },
    {
      workload: W,
      metric: 'lost + duplicate deliveries',
      unit: 'count',
      ...side((step) => step.lost + step.duplicates),
      note: `lost = not delivered ${DRAIN_MS / 1000} s after the last send; ours ${r.ours.lost} lost, ${r.ours.duplicates} dup, ${r.ours.sendErrors} failed sends of ${r.ours.sent}; bare ${r.baseline.lost} lost, ${r.baseline.duplicates} dup`,
    },
    {
      workload: W,
      metric: 'CPU per message, all processes',
      unit: 'ms',
      ...side((step) => totalCpu(step.cpuMsPerMessage)),
      note: `ours incl. read marks; ours / bare: ${cpuSideBySide(r.ours.cpuMsPerMessage, r.baseline.cpuMsPerMessage)}`,
    },
    {
      workload: W,
      metric: 'worker + Postgres CPU per message',
      unit: 'ms',
      ours: workerAndPostgres(r.ours),
      note:
        `worker ${r.ours.cpuMsPerMessage.worker ?? 0}, postgres ${r.ours.cpuMsPerMessage.postgres ?? 0} (this database's backends; ` +
        `the server's shared processes, ${r.ours.cpuMsPerMessage['postgres server'] ?? 0}, left out). The backends also run the inserts and read marks, so this bounds the counters' cost from above`,
    },
    {
      workload: W,
      metric: 'read marks (socket channel.read)/s',
      unit: '/s',
      ours: r.reads.perSecond,
      note: `${r.reads.marks} marks, ${r.reads.errors} errors${r.reads.firstError ? ` (${r.reads.firstError})` : ''}; ack p50 ${r.reads.ack.p50} ms, p99 ${r.reads.ack.p99} ms; at most 1/s per member and channel`,
    },
  ];
}
