/**
 * CPU time per process group, read from /proc: where a workload's CPU went (our nodes,
 * Postgres, Redis, the load generator itself). Linux only; elsewhere every figure is empty.
 */
import { readdirSync, readFileSync } from 'node:fs';

/** Group name → CPU seconds used so far. */
export type CpuSnapshot = Map<string, number>;

export interface ProcessInfo {
  pid: number;
  command: string;
  parent: number;
  /** CPU seconds used so far (user + system). */
  seconds: number;
}

/** Names a process's group: for the pids we started, else by its command (postgres, redis-server). */
export type Grouping = (info: ProcessInfo) => string | undefined;

const TICKS_PER_SECOND = 100;

function readProcess(pid: number): ProcessInfo | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const command = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // ppid, utime and stime: fields 4, 14 and 15 of stat(5).
    return { pid, command, parent: Number(fields[1]), seconds: (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND };
  } catch {
    return undefined; // exited meanwhile, or no /proc
  }
}

function listProcesses(): ProcessInfo[] {
  try {
    return readdirSync('/proc')
      .filter((entry) => /^\d+$/.test(entry))
      .flatMap((entry) => readProcess(Number(entry)) ?? []);
  } catch {
    return [];
  }
}

export function cpuSnapshot(group: Grouping): CpuSnapshot {
  const totals: CpuSnapshot = new Map();
  for (const info of listProcesses()) {
    const name = group(info);
    if (name) totals.set(name, (totals.get(name) ?? 0) + info.seconds);
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

/** Postgres's title of a client backend names its host and port (`127.0.0.1(5432)`) or `[local]`. */
const CLIENT_BACKEND = /\(\d+\)|\[local\]/;

function postgresTitle(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
  } catch {
    return '';
  }
}

const isBackendOf = (pid: number, database: string) => {
  const title = postgresTitle(pid);
  return CLIENT_BACKEND.test(title) && title.split(' ').includes(database);
};

/**
 * The group of a Postgres process. Every one is `postgres` (database undefined); none counts
 * (false: a baseline that does not use it); or, for one database, its client backends are
 * `postgres` and its server's own processes (postmaster, checkpointer, WAL writer… shared with
 * every other database on that server, e.g. tests running meanwhile) `postgres server`; other
 * databases' backends and other servers (embedded Postgres) do not count.
 */
function postgresGroup(database: string | false | undefined): (info: ProcessInfo) => string | undefined {
  if (database === undefined) return () => 'postgres';
  if (database === false) return () => undefined;
  // The server is the parent of the database's backends, found now: its processes predate them.
  const postmaster = listProcesses().find((info) => info.command === 'postgres' && isBackendOf(info.pid, database))?.parent;
  return (info) => {
    if (isBackendOf(info.pid, database)) return 'postgres';
    const ownProcess = info.pid === postmaster || (info.parent === postmaster && !CLIENT_BACKEND.test(postgresTitle(info.pid)));
    return ownProcess ? 'postgres server' : undefined;
  };
}

/** Groups the processes of a run: the given pids by name, plus Postgres (see postgresGroup), Redis and this process. */
export function groupPids(named: Record<string, readonly (number | undefined)[]>, options: { postgresDatabase?: string | false } = {}): Grouping {
  const byPid = new Map<number, string>();
  for (const [name, pids] of Object.entries(named)) for (const pid of pids) if (pid) byPid.set(pid, name);
  const postgres = postgresGroup(options.postgresDatabase);
  return (info) => {
    if (info.pid === process.pid) return 'load generator';
    const name = byPid.get(info.pid);
    if (name) return name;
    if (info.command === 'postgres') return postgres(info);
    if (info.command === 'redis-server') return 'redis';
    return undefined;
  };
}
