/**
 * W1 fan-out: rate steps (about ×1.5) until p99 > 50 ms or any loss, on Heyyo and on the bare
 * baseline; the max sustainable rate is the last step that passed.
 */
import type { HeyyoCluster } from '../lib/environment.ts';
import { describeStep, type StepResult } from '../lib/load.ts';
import type { Row } from '../lib/report.ts';
import type { BenchUser } from '../lib/rest.ts';
import { startBareGateways } from '../baselines/start-bare.ts';
import { cpuPerUnit, cpuSnapshot, groupPids, type Grouping } from '../lib/cpu.ts';
import { bareFanout, heyyoFanout, type FanoutTarget, type Layout } from './fanout-target.ts';

export interface W1Options extends Layout {
  rates: number[];
  stepMs: number;
  p99LimitMs: number;
}

/** A step, with the CPU milliseconds each process group spent per message sent. */
export type MeasuredStep = StepResult & { cpuMsPerMessage: Record<string, number> };

export interface SteppedRun {
  steps: MeasuredStep[];
  /** The last passing step. */
  max?: MeasuredStep;
  /** The step at half the max rate (p50/p99 goal). */
  half?: MeasuredStep;
}

async function measuredStep(target: FanoutTarget, rate: number, options: W1Options, grouping: Grouping): Promise<MeasuredStep> {
  const before = cpuSnapshot(grouping);
  const result = await target.driver.run({ rate, durationMs: options.stepMs }, options.p99LimitMs);
  return { ...result, cpuMsPerMessage: cpuPerUnit(before, cpuSnapshot(grouping), result.sent) };
}

const describeCpu = (step: MeasuredStep) =>
  Object.entries(step.cpuMsPerMessage)
    .map(([name, ms]) => `${name} ${ms}`)
    .join(', ');

const totalCpu = (step: MeasuredStep) => Object.values(step.cpuMsPerMessage).reduce((sum, ms) => sum + ms, 0);

async function stepUp(label: string, target: FanoutTarget, options: W1Options, grouping: Grouping, log: (line: string) => void): Promise<SteppedRun> {
  const steps: MeasuredStep[] = [];
  let max: MeasuredStep | undefined;
  for (const rate of options.rates) {
    const result = await measuredStep(target, rate, options, grouping);
    log(`${describeStep(label, result)}; CPU ms/message: ${describeCpu(result)}`);
    steps.push(result);
    if (!result.passed) break;
    max = result;
  }
  let half = max ? steps.find((step) => step.rate === max!.rate / 2) : undefined;
  if (max && !half) {
    half = await measuredStep(target, max.rate / 2, options, grouping);
    log(`${describeStep(`${label} (half max)`, half)}; CPU ms/message: ${describeCpu(half)}`);
  }
  return { steps, ...(max ? { max } : {}), ...(half ? { half } : {}) };
}

export async function runW1(heyyo: HeyyoCluster, users: readonly BenchUser[], options: W1Options, log: (line: string) => void) {
  const oursTarget = await heyyoFanout(heyyo, users, options);
  let ours: SteppedRun;
  try {
    const { api, gateways, workers } = heyyo.cluster;
    const grouping = groupPids({
      'api node': api.map((node) => node.child.pid),
      gateways: gateways.map((node) => node.child.pid),
      worker: workers.map((node) => node.child.pid),
    });
    ours = await stepUp('W1 ours', oursTarget, options, grouping, log);
  } finally {
    await oursTarget.pool.close();
  }
  const bare = await startBareGateways(heyyo.gatewayUrls.length, 'w1-bare');
  let baseline: SteppedRun;
  try {
    const bareTarget = await bareFanout(bare.urls, options);
    try {
      const grouping = groupPids({ gateways: bare.processes.map((node) => node.child.pid) });
      baseline = await stepUp('W1 bare', bareTarget, options, grouping, log);
    } finally {
      await bareTarget.pool.close();
    }
  } finally {
    await bare.stop();
  }
  const fanout = options.clients / options.channels;
  const B = 'bare Socket.IO';
  const rows: Row[] = [
    {
      workload: `W1 fan-out (${options.clients} clients, ${options.channels}×${fanout})`,
      metric: 'max sustainable deliveries/s',
      unit: '/s',
      ours: ours.max?.achievedDeliveryRate ?? 0,
      baseline: baseline.max?.achievedDeliveryRate ?? 0,
      baselineName: B,
      note: `last passing step: ours ${ours.max?.rate ?? 'none'} msg/s, bare ${baseline.max?.rate ?? 'none'} msg/s (steps ${options.rates.join(', ')}; first failure ${describeFailure(ours)} / ${describeFailure(baseline)})`,
    },
    {
      workload: 'W1 fan-out',
      metric: `p50 latency at half our max (${ours.half?.rate ?? '—'} msg/s)`,
      unit: 'ms',
      ...(ours.half ? { ours: ours.half.latency.p50 } : {}),
      ...sameRate(baseline, ours.half?.rate, (step) => step.latency.p50),
      baselineName: B,
    },
    {
      workload: 'W1 fan-out',
      metric: `p99 latency at half our max (${ours.half?.rate ?? '—'} msg/s)`,
      unit: 'ms',
      ...(ours.half ? { ours: ours.half.latency.p99 } : {}),
      ...sameRate(baseline, ours.half?.rate, (step) => step.latency.p99),
      baselineName: B,
    },
    {
      workload: 'W1 fan-out',
      metric: `ack p50 / p99 at half our max`,
      unit: 'ms',
      ...(ours.half ? { ours: ours.half.ack.p50 } : {}),
      ...sameRate(baseline, ours.half?.rate, (step) => step.ack.p50),
      baselineName: B,
      note: ours.half ? `ack p99 ours ${ours.half.ack.p99} ms` : '',
    },
    {
      workload: 'W1 fan-out',
      metric: `CPU per message, all processes, at our max (${ours.max?.rate ?? '—'} msg/s)`,
      unit: 'ms',
      ...(ours.max ? { ours: totalCpu(ours.max) } : {}),
      ...sameRate(baseline, ours.max?.rate, totalCpu),
      baselineName: B,
      note: ours.max ? `ours: ${describeCpu(ours.max)}; bare: ${sameRateStep(baseline, ours.max.rate) ? describeCpu(sameRateStep(baseline, ours.max.rate)!) : '—'}` : '',
    },
    {
      workload: 'W1 fan-out',
      metric: 'lost / duplicate deliveries (all passing steps)',
      unit: 'count',
      ours: sumPassing(ours, (step) => step.lost + step.duplicates),
      baseline: sumPassing(baseline, (step) => step.lost + step.duplicates),
      baselineName: B,
    },
  ];
  return { ours, baseline, rows };
}

const sumPassing = (run: SteppedRun, value: (step: StepResult) => number) =>
  run.steps.filter((step) => step.passed).reduce((sum, step) => sum + value(step), 0);

const sameRateStep = (run: SteppedRun, rate: number | undefined) => run.steps.find((candidate) => candidate.rate === rate);

const sameRate = (run: SteppedRun, rate: number | undefined, value: (step: MeasuredStep) => number) => {
  const step = sameRateStep(run, rate);
  return step ? { baseline: value(step) } : {};
};

function describeFailure(run: SteppedRun): string {
  const failed = run.steps.find((step) => !step.passed);
  if (!failed) return 'none: passed every step, so its max is a lower bound';
  const why = [
    failed.latency.p99 > 50 ? `p99 ${failed.latency.p99} ms` : '',
    failed.lost ? `${failed.lost} lost` : '',
    failed.duplicates ? `${failed.duplicates} dup` : '',
    failed.sendErrors ? `${failed.sendErrors} send errors` : '',
  ].filter(Boolean);
  return `${failed.rate}/s: ${why.join(', ') || 'unacked sends'}`;
}
