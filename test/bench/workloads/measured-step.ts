/** A measured step on a fan-out target: warm-up, the step, and the CPU each process group spent per message. */
import { cpuPerUnit, cpuSnapshot } from '../lib/cpu.ts';
import type { StepResult } from '../lib/fanout-driver.ts';
import type { FanoutTarget } from './fanout-target.ts';

/** A step, with the CPU milliseconds each process group spent per message sent. */
export type MeasuredStep = StepResult & { cpuMsPerMessage: Record<string, number> };

export interface MeasurePlan {
  rate: number;
  durationMs: number;
  p99LimitMs: number;
  /** Sent at the same rate first and not measured (a fresh process's JIT, pools and caches). @defaultValue 0 */
  warmupMs?: number;
  drainMs?: number;
}

export async function measureStep(target: FanoutTarget, plan: MeasurePlan): Promise<MeasuredStep> {
  const drain = plan.drainMs === undefined ? {} : { drainMs: plan.drainMs };
  if (plan.warmupMs) await target.driver.run({ rate: plan.rate, durationMs: plan.warmupMs, ...drain }, plan.p99LimitMs);
  const before = cpuSnapshot(target.grouping);
  const result = await target.driver.run({ rate: plan.rate, durationMs: plan.durationMs, ...drain }, plan.p99LimitMs);
  return { ...result, cpuMsPerMessage: cpuPerUnit(before, cpuSnapshot(target.grouping), result.sent) };
}

/** `gateways 0.88, postgres 0.75, …` */
export const describeCpu = (cpu: Record<string, number>) =>
  Object.entries(cpu)
    .map(([name, ms]) => `${name} ${ms}`)
    .join(', ');

export const totalCpu = (cpu: Record<string, number>) => Object.values(cpu).reduce((sum, ms) => sum + ms, 0);

/** Each process group's CPU ms per message, ours / bare: `gateways 0.88 / 0.44, postgres 0.75 / —, …` */
export function cpuSideBySide(ours: Record<string, number> | undefined, bare: Record<string, number> | undefined): string {
  const names = [...new Set([...Object.keys(ours ?? {}), ...Object.keys(bare ?? {})])];
  const show = (value: number | undefined) => (value === undefined ? '—' : String(value));
  return names.map((name) => `${name} ${show(ours?.[name])} / ${show(bare?.[name])}`).join(', ');
}
