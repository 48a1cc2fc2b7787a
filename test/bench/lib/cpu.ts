/**
 * CPU time per process group, read from /proc: where a workload's CPU went (our nodes,
 * Postgres, Redis, the load generator itself). Linux only; elsewhere every figure is empty.
 */
import { readdirSync, readFileSync } from 'node:fs';

/** Group name → CPU seconds used so far. */
export type CpuSnapshot = Map<string, number>;

/** Names a process: a group for the pids we started, else its command (postgres, redis-server). */
export type Grouping = (pid: number, command: string) => string | undefined;

const TICKS_PER_SECOND = 100;

function processCpu(pid: string): { command: string; seconds: number } | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const command = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // utime and stime, fields 14 and 15 of stat(5).
    return { command, seconds: (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND };
  } catch {
    return undefined; // exited meanwhile, or no /proc
  }
}

export function cpuSnapshot(group: Grouping): CpuSnapshot {
  const totals: CpuSnapshot = new Map();
  let pids: string[] = [];
  try {
    pids = readdirSync('/proc').filter((entry) => /^\d+$/.test(entry));
  } catch {
    return totals;
  }
  for (const pid of pids) {
    const usage = processCpu(pid);
    const name = usage && group(Number(pid), usage.command);
    if (usage && name) totals.set(name, (totals.get(name) ?? 0) + usage.seconds);
  }
  return totals;
}

/** CPU milliseconds per unit of work (e.g. per message) of each group between two snapshots. */
export function cpuPerUnit(before: CpuSnapshot, after: CpuSnapshot, units: number): Record<string, number> {
  const perUnit: Record<string, number> = {};
  for (const [name, seconds] of after) {
    const used = seconds - (before.get(name) ?? 0);
    if (used > 0 && units > 0) perUnit[name] = Math.round(((used * 1000) / units) * 1000) / 1000;
  }
  return perUnit;
}

/** Groups the processes of a run: the given pids by name, plus Postgres, Redis and this process. */
export function groupPids(named: Record<string, readonly (number | undefined)[]>): Grouping {
  const byPid = new Map<number, string>();
  for (const [name, pids] of Object.entries(named)) for (const pid of pids) if (pid) byPid.set(pid, name);
  return (pid, command) => {
    if (pid === process.pid) return 'load generator';
    const name = byPid.get(pid);
    if (name) return name;
    if (command === 'postgres') return 'postgres';
    if (command === 'redis-server') return 'redis';
    return undefined;
  };
}
