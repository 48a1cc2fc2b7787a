/**
 * W1 fan-out: rate steps until p99 > the limit or any loss, on Heyyo and on the bare baseline,
 * each side stopping at its own first failure; the max sustainable rate is the last passing step.
 * Two modes: fresh (every step on newly started processes, after a 3 s unmeasured warm-up: what
 * operators meet after a deploy) and the warmed ramp (one cluster, the steps in sequence).
 */
import type { HeyyoCluster } from '../lib/environment.ts';
import { describeStep, type StepResult } from '../lib/fanout-driver.ts';
import type { Row } from '../lib/report.ts';
import type { BenchUser } from '../lib/rest.ts';
import { ratio } from '../lib/stats.ts';
import { evenMembership, freshBareFanout, freshHeyyoFanout, heyyoFanout, withTarget, type FanoutTarget, type Layout } from './fanout-target.ts';
import { cpuSideBySide, describeCpu, measureStep, totalCpu, type MeasuredStep } from './measured-step.ts';

export interface W1Options extends Layout {
  rates: number[];
  stepMs: number;
  p99LimitMs: number;
  /** Unmeasured sending at the step's rate before each fresh step and before the ramp's first. */
  warmupMs: number;
  /** The rate of the p50/p99 goal (ms at this many msg/s). */
  latencyRate: number;
}

export interface SteppedRun {
  steps: MeasuredStep[];
  /** The last passing step. */
  max?: MeasuredStep;
}

export interface W1Result {
  mode: 'fresh' | 'warmed ramp';
  ours: SteppedRun;
  baseline: SteppedRun;
  rows: Row[];
}

type Log = (line: string) => void;

/** Measures rate after rate until the first failure. */
async function stepUp(label: string, options: W1Options, measure: (rate: number) => Promise<MeasuredStep>, log: Log): Promise<SteppedRun> {
  const steps: MeasuredStep[] = [];
  let max: MeasuredStep | undefined;
  for (const rate of options.rates) {
    const result = await measure(rate);
    log(`${describeStep(label, result)}; CPU ms/message: ${describeCpu(result.cpuMsPerMessage)}`);
    steps.push(result);
    if (!result.passed) break;
    max = result;
  }
  return { steps, ...(max ? { max } : {}) };
}

/** Every step on a target opened for it alone (and closed after it). */
const freshSteps = (options: W1Options, open: (rate: number) => Promise<FanoutTarget>) => (rate: number) =>
  withTarget(
    () => open(rate),
    (target) => measureStep(target, { rate, durationMs: options.stepMs, p99LimitMs: options.p99LimitMs, warmupMs: options.warmupMs }),
  );

/** Every step on the same target, in sequence; only the first is warmed up (each warms the next). */
const rampSteps = (options: W1Options, target: FanoutTarget) => (rate: number) =>
  measureStep(target, { rate, durationMs: options.stepMs, p99LimitMs: options.p99LimitMs, warmupMs: rate === options.rates[0] ? options.warmupMs : 0 });

export async function runW1Fresh(options: W1Options, log: Log): Promise<W1Result> {
  const membership = evenMembership(options);
  const ours = await stepUp('W1 fresh ours', options, freshSteps(options, (rate) => freshHeyyoFanout(`w1_${rate}`, membership)), log);
  const baseline = await stepUp('W1 fresh bare', options, freshSteps(options, (rate) => freshBareFanout(`w1-bare-${rate}`, membership)), log);
  return { mode: 'fresh', ours, baseline, rows: w1Rows('fresh', ours, baseline, options) };
}

export async function runW1Warmed(heyyo: HeyyoCluster, users: readonly BenchUser[], options: W1Options, log: Log): Promise<W1Result> {
  const membership = evenMembership(options);
  const ours = await withTarget(
    () => heyyoFanout(heyyo, users, membership),
    (target) => stepUp('W1 warmed ours', options, rampSteps(options, target), log),
  );
  const baseline = await withTarget(
    () => freshBareFanout('w1-bare', membership),
    (target) => stepUp('W1 warmed bare', options, rampSteps(options, target), log),
  );
  return { mode: 'warmed ramp', ours, baseline, rows: w1Rows('warmed ramp', ours, baseline, options) };
}

export const stepAt = (run: SteppedRun, rate: number | undefined) => run.steps.find((step) => step.rate === rate);

/** Ours / bare CPU per message (all processes) at our max step, when bare has that step too. */
export function cpuRatioAtOurMax(result: W1Result): number | undefined {
  const { max } = result.ours;
  const bare = stepAt(result.baseline, max?.rate);
  return max && bare ? ratio(totalCpu(max.cpuMsPerMessage), totalCpu(bare.cpuMsPerMessage)) : undefined;
}

function w1Rows(mode: W1Result['mode'], ours: SteppedRun, baseline: SteppedRun, options: W1Options): Row[] {
  const W = `W1 fan-out, ${mode} (${options.clients} clients, ${options.channels}×${options.clients / options.channels})`;
  const B = 'bare Socket.IO';
  const cpuNote = (rate: number | undefined) => `CPU ms/message ours / bare: ${cpuSideBySide(stepAt(ours, rate)?.cpuMsPerMessage, stepAt(baseline, rate)?.cpuMsPerMessage)}`;
  const atRate = (rate: number | undefined, value: (step: MeasuredStep) => number) => {
    const mine = stepAt(ours, rate);
    const theirs = stepAt(baseline, rate);
    return { ...(mine ? { ours: value(mine) } : {}), ...(theirs ? { baseline: value(theirs) } : {}), baselineName: B };
  };
  const reference = options.latencyRate;
  const allRates = [...new Set([...ours.steps, ...baseline.steps].map((step) => step.rate))].sort((a, b) => a - b);
  return [
    {
      workload: W,
      metric: 'max sustainable deliveries/s',
      unit: '/s',
      ours: ours.max?.achievedDeliveryRate ?? 0,
      baseline: baseline.max?.achievedDeliveryRate ?? 0,
      baselineName: B,
      note:
        `last passing step: ours ${ours.max?.rate ?? 'none'} msg/s, bare ${baseline.max?.rate ?? 'none'} msg/s ` +
        `(steps ${options.rates.join(', ')}; first failure ${describeFailure(ours, options)} / ${describeFailure(baseline, options)})`,
    },
    { workload: W, metric: `p50 latency at ${reference} msg/s`, unit: 'ms', ...atRate(reference, (step) => step.latency.p50) },
    { workload: W, metric: `p99 latency at ${reference} msg/s`, unit: 'ms', ...atRate(reference, (step) => step.latency.p99), note: cpuNote(reference) },
    {
      workload: W,
      metric: `CPU per message, all processes, at our max (${ours.max?.rate ?? '—'} msg/s)`,
      unit: 'ms',
      ...atRate(ours.max?.rate, (step) => totalCpu(step.cpuMsPerMessage)),
      note: ours.max ? cpuNote(ours.max.rate) : '',
    },
    {
      workload: W,
      metric: 'lost / duplicate deliveries (all passing steps)',
      unit: 'count',
      ours: sumPassing(ours, (step) => step.lost + step.duplicates),
      baseline: sumPassing(baseline, (step) => step.lost + step.duplicates),
      baselineName: B,
    },
    // One row per step: CPU side by side, and how each side fared.
    ...allRates.map((rate) => ({
      workload: W,
      metric: `step ${rate} msg/s: CPU per message, all processes`,
      unit: 'ms',
      ...atRate(rate, (step) => totalCpu(step.cpuMsPerMessage)),
      note: `ours ${describeOutcome(stepAt(ours, rate))}; bare ${describeOutcome(stepAt(baseline, rate))}; ${cpuNote(rate)}`,
    })),
  ];
}

const describeOutcome = (step: MeasuredStep | undefined) =>
  step ? `p50 ${step.latency.p50} / p99 ${step.latency.p99} ms, ack p99 ${step.ack.p99} ms, ${step.passed ? 'pass' : 'FAIL'}` : 'not run';

const sumPassing = (run: SteppedRun, value: (step: StepResult) => number) =>
  run.steps.filter((step) => step.passed).reduce((sum, step) => sum + value(step), 0);

function describeFailure(run: SteppedRun, options: W1Options): string {
  const failed = run.steps.find((step) => !step.passed);
  if (!failed) return 'none: passed every step, so its max is a lower bound';
  const why = [
    failed.latency.p99 > options.p99LimitMs ? `p99 ${failed.latency.p99} ms` : '',
    failed.lost ? `${failed.lost} lost` : '',
    failed.duplicates ? `${failed.duplicates} dup` : '',
    failed.sendErrors ? `${failed.sendErrors} send errors` : '',
  ].filter(Boolean);
  return `${failed.rate}/s: ${why.join(', ') || 'unacked sends'}`;
}
