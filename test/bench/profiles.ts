/** Client counts, rates and durations of `npm run bench` (full) and `-- --quick`. */
import type { W1Options } from './workloads/w1-fanout.ts';
import type { W2Options } from './workloads/w2-large-rooms.ts';
import type { W3Options } from './workloads/w3-rest.ts';
import type { W4Options } from './workloads/w4-reactions.ts';
import type { W5Options } from './workloads/w5-reconnect-storm.ts';
import type { W7Options } from './workloads/w7-realistic.ts';
import type { OverloadOptions } from './workloads/overload.ts';
import type { BrowserOptions } from './workloads/browser-render.ts';
import type { SyntheticExport } from './lib/export-file.ts';
import type { ListTotalsProfile } from './workloads/list-totals.ts';

export interface Profile {
  /** Users created up front (≥ every workload's client count). */
  users: number;
  w1: W1Options;
  w2?: W2Options;
  w3: W3Options;
  w4: W4Options;
  w5: W5Options;
  w6: { connections: number };
  w7: W7Options;
  overload: OverloadOptions;
  insert: { connections: number; durationMs: number };
  browser: BrowserOptions;
  /** The export file `npm run import` reads (issue 16: 1,000,000 messages at ≥ 50,000/s). */
  import: SyntheticExport;
  lists: ListTotalsProfile;
}

export const profiles: Record<'quick' | 'full', Profile> = {
  full: {
    users: 2000,
    w1: { clients: 200, channels: 20, rates: [100, 200, 300, 400, 600, 800, 1200, 1600, 2400, 3200], stepMs: 8000, p99LimitMs: 50, warmupMs: 3000, latencyRate: 400 },
    w2: { clients: 1000, channels: 10, rate: 40, stepMs: 10_000 },
    w3: { connections: 16, durationS: 10, channels: 20 },
    w4: { clients: 100, messages: 50, burstMs: 10_000, drainTimeoutMs: 120_000 },
    w5: { clients: 2000, channels: 20, rate: 40, timeoutMs: 60_000 },
    w6: { connections: 1000 },
    w7: { clients: 2000, pairs: 500, groups: 500, messageEveryMs: 5000, warmupMs: 3000, durationMs: 20_000 },
    overload: { clients: 200, channels: 20, defaultRate: 800, warmMs: 10_000, overloadMs: 30_000, recoverMs: 15_000 },
    insert: { connections: 8, durationMs: 10_000 },
    browser: { sizes: [1000, 10_000], renderRuns: 5, scrollPxPerSecond: 10_000 },
    import: { users: 1000, channels: 1000, messages: 1_000_000, reactionEvery: 100 },
    lists: { users: 100_000, smallUsers: 100, samples: 200 },
  },
  quick: {
    users: 100,
    w1: { clients: 40, channels: 4, rates: [100, 400], stepMs: 3000, p99LimitMs: 50, warmupMs: 3000, latencyRate: 400 },
    w3: { connections: 8, durationS: 3, channels: 4 },
    w4: { clients: 50, messages: 10, burstMs: 3000, drainTimeoutMs: 60_000 },
    w5: { clients: 100, channels: 2, rate: 20, timeoutMs: 30_000 },
    w6: { connections: 100 },
    w7: { clients: 200, pairs: 50, groups: 50, messageEveryMs: 5000, warmupMs: 3000, durationMs: 3000 },
    overload: { clients: 40, channels: 4, defaultRate: 400, warmMs: 3000, overloadMs: 5000, recoverMs: 6000 },
    insert: { connections: 8, durationMs: 3000 },
    browser: { sizes: [1000], renderRuns: 2, scrollPxPerSecond: 10_000 },
    import: { users: 100, channels: 100, messages: 100_000, reactionEvery: 100 },
    lists: { users: 100_000, smallUsers: 100, samples: 30 },
  },
};
