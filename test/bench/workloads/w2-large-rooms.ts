/** W2 large rooms: 1,000 clients in 10 channels of 100 at one fixed rate, Heyyo vs bare. */
import type { HeyyoCluster } from '../lib/environment.ts';
import { describeStep } from '../lib/fanout-driver.ts';
import type { Row } from '../lib/report.ts';
import type { BenchUser } from '../lib/rest.ts';
import { evenMembership, freshBareFanout, heyyoFanout, withTarget, type Layout } from './fanout-target.ts';

export interface W2Options extends Layout {
  rate: number;
  stepMs: number;
}

export async function runW2(heyyo: HeyyoCluster, users: readonly BenchUser[], options: W2Options, log: (line: string) => void) {
  const membership = evenMembership(options);
  const step = { rate: options.rate, durationMs: options.stepMs, drainMs: 10_000 };
  const ours = await withTarget(
    () => heyyoFanout(heyyo, users, membership),
    (target) => target.driver.run(step),
  );
  log(describeStep('W2 ours', ours));
  const baseline = await withTarget(
    () => freshBareFanout('w2-bare', membership),
    (target) => target.driver.run(step),
  );
  log(describeStep('W2 bare', baseline));
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
