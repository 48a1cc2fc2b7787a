/** Latency samples and their percentiles. */

export interface Summary {
  count: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
  mean: number;
}

/** Nearest-rank percentile of sorted values (0 when empty). */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank]!;
}

export function summarize(values: readonly number[]): Summary {
  const sorted = Float64Array.from(values).sort();
  const list = Array.from(sorted);
  const sum = list.reduce((total, value) => total + value, 0);
  return {
    count: list.length,
    p50: round(percentile(list, 50)),
    p90: round(percentile(list, 90)),
    p99: round(percentile(list, 99)),
    max: round(list.length ? list[list.length - 1]! : 0),
    mean: round(list.length ? sum / list.length : 0),
  };
}

export const round = (value: number, digits = 2) => Math.round(value * 10 ** digits) / 10 ** digits;

/** ours / baseline, or undefined when there is nothing to compare. */
export const ratio = (ours: number | undefined, baseline: number | undefined) =>
  ours === undefined || baseline === undefined || baseline === 0 ? undefined : round(ours / baseline, 2);

/** Wall-clock milliseconds with sub-millisecond precision (sender and receivers share this process). */
export const nowMs = () => performance.timeOrigin + performance.now();
