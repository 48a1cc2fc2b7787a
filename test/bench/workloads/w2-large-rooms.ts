/** W2 large rooms: 1,000 clients in 10 channels of 100 at one fixed rate, Heyyo vs bare. */
import type { HeyyoCluster } from '../lib/environment.ts';
import { describeStep, type StepResult } from '../lib/load.ts';
import type { Row } from '../lib/report.ts';
import type { BenchUser } from '../lib/rest.ts';
import { startBareGateways } from '../baselines/start-bare.ts';
import { bareFanout, heyyoFanout, type Layout } from './fanout-target.ts';

export interface W2Options extends Layout {
  rate: number;
  stepMs: number;
}

export async function runW2(heyyo: HeyyoCluster, users: readonly BenchUser[], options: W2Options, log: (line: string) => void) {
  const oursTarget = await heyyoFanout(heyyo, users, options);
  let ours: StepResult;
  try {
    ours = await oursTarget.driver.run({ rate: options.rate, durationMs: options.stepMs, drainMs: 10_000 });
    log(describeStep('W2 ours', ours));
  } finally {
    await oursTarget.pool.close();
  }
  const bare = await startBareGateways(heyyo.gatewayUrls.length, 'w2-bare');
  let baseline: StepResult;
  try {
    const target = await bareFanout(bare.urls, options);
    try {
      baseline = await target.driver.run({ rate: options.rate, durationMs: options.stepMs, drainMs: 10_000 });
      log(describeStep('W2 bare', baseline));
    } finally {
      await target.pool.close();
    }
  } finally {
    await bare.stop();
  }
  const W = `W2 large rooms (${options.clients} clients, ${options.channels}×${options.clients / options.channels}, ${options.rate} msg/s)`;
  const B = 'bare Socket.IO';
  const rows: Row[] = [
    { workload: W, metric: 'deliveries/s', unit: '/s', ours: ours.achievedDeliveryRate, baseline: baseline.achievedDeliveryRate, baselineName: B },
    { workload: W, metric: 'p50 latency', unit: 'ms', ours: ours.latency.p50, baseline: baseline.latency.p50, baselineName: B },
    { workload: W, metric: 'p99 latency', unit: 'ms', ours: ours.latency.p99, baseline: baseline.latency.p99, baselineName: B },
    { workload: W, metric: 'lost + duplicate deliveries', unit: 'count', ours: ours.lost + ours.duplicates, baseline: baseline.lost + baseline.duplicates, baselineName: B },
  ];
  return { ours, baseline, rows };
}
