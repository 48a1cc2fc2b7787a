/**
 * Runs Heyyo nodes as child processes: the cluster tests and `npm run cluster`
 * (test/tools/cluster.cli.ts). Test and development tooling: not part of any package.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const MAIN = 'services/node/src/main.ts';

export interface NodeProcess {
  name: string;
  url: string;
  child: ChildProcess;
  /** Everything the process printed so far (stdout and stderr). */
  output(): string;
  /** Sends the signal (SIGTERM by default) and resolves with the exit code. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

export interface LaunchOptions {
  /** Environment of the child: PATH and HOME are added; nothing else is inherited. */
  env: Record<string, string>;
  /** Called with every line the child prints. */
  onLine?: (line: string) => void;
  /** Another checkout to run (e.g. a production install). @defaultValue this repository */
  cwd?: string;
  /** Node's arguments. @defaultValue ['--import', 'tsx', 'services/node/src/main.ts'] */
  args?: string[];
}

function launch({ env, onLine, cwd = ROOT, args = ['--import', 'tsx', MAIN] }: LaunchOptions) {
  // `node --import tsx`, not the tsx CLI: the CLI runs the program in a second process,
  // and a signal to the wrapper (SIGKILL above all) would not reach the node itself.
  const child = spawn(process.execPath, args, {
    cwd,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let text = '';
  let partial = '';
  const onData = (chunk: Buffer) => {
    text += chunk;
    if (!onLine) return;
    const lines = (partial + chunk).split('\n');
    partial = lines.pop() ?? '';
    lines.forEach(onLine);
  };
  child.stdout!.on('data', onData);
  child.stderr!.on('data', onData);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, output: () => text, exited };
}

const readyAddress = (output: string) => {
  for (const line of output.split('\n')) {
    try {
      const parsed = JSON.parse(line) as { msg?: string; address?: string };
      if (parsed.msg === 'Heyyo is ready' && parsed.address) return parsed.address;
    } catch {
      // not a log line
    }
  }
  return undefined;
};

/** Starts a node and resolves once it logs "Heyyo is ready" (PORT=0 unless given). */
export async function startNodeProcess(name: string, options: LaunchOptions, timeoutMs = 30_000): Promise<NodeProcess> {
  const { child, output, exited } = launch({ ...options, env: { PORT: '0', HOST: '127.0.0.1', ...options.env } });
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => {
      // A node that never became ready must not outlive the caller.
      child.kill('SIGKILL');
      reject(new Error(`${name} not ready in ${timeoutMs} ms:\n${output()}`));
    }, timeoutMs);
    child.stdout!.on('data', () => {
      const address = readyAddress(output());
      if (address) {
        clearTimeout(timer);
        resolve(address);
      }
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`${name} exited with ${code} before ready:\n${output()}`));
    });
  });
  return {
    name,
    url,
    child,
    output,
    async stop(signal = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}

/** Runs the program expecting it to exit by itself (e.g. refusing a bad config). */
export async function runNodeProcessToExit(
  env: Record<string, string>,
  options: Pick<LaunchOptions, 'cwd' | 'args'> = {},
): Promise<{ code: number | null; output: string }> {
  const { output, exited } = launch({ ...options, env });
  const code = await exited;
  return { code, output: output() };
}

type ClusterRole = 'api' | 'gateway' | 'worker';

export interface ClusterPlan {
  apiNodes: number;
  gatewayNodes: number;
  /** @defaultValue 0 */
  workerNodes?: number;
  /** Environment shared by every node. */
  env: Record<string, string>;
  /** Port of the first API node; the others follow. 0: any free port. */
  apiPort?: number;
  /** Port of the first gateway node; the others follow. 0: any free port. */
  gatewayPort?: number;
  onLine?: (name: string, line: string) => void;
}

export interface Cluster {
  api: NodeProcess[];
  gateways: NodeProcess[];
  workers: NodeProcess[];
  all(): NodeProcess[];
  /** Starts one more node of a role (e.g. a worker to replace a killed one). */
  add(role: ClusterRole): Promise<NodeProcess>;
  /** SIGTERM to every node still running; resolves when all have exited. */
  stop(): Promise<void>;
}

/** Starts API, gateway and worker nodes side by side on one database and one Redis. */
export async function startCluster(plan: ClusterPlan): Promise<Cluster> {
  const counts: Record<ClusterRole, number> = { api: 0, gateway: 0, worker: 0 };
  const firstPorts: Record<ClusterRole, number> = { api: plan.apiPort ?? 0, gateway: plan.gatewayPort ?? 0, worker: 0 };
  const start = (role: ClusterRole) => {
    const index = counts[role]++;
    const name = `${role}-${index + 1}`;
    const port = firstPorts[role] ? firstPorts[role] + index : 0;
    return startNodeProcess(name, {
      env: { ...plan.env, HEYYO_ROLES: role, PORT: String(port) },
      ...(plan.onLine ? { onLine: (line: string) => plan.onLine!(name, line) } : {}),
    });
  };
  const many = (role: ClusterRole, count: number) => Array.from({ length: count }, () => start(role));
  // The first node migrates alone; the rest start together.
  const first = await start('api');
  const rest = await Promise.allSettled([
    ...many('api', plan.apiNodes - 1),
    ...many('gateway', plan.gatewayNodes),
    ...many('worker', plan.workerNodes ?? 0),
  ]);
  const started = [first, ...rest.flatMap((result) => (result.status === 'fulfilled' ? [result.value] : []))];
  const failure = rest.find((result): result is PromiseRejectedResult => result.status === 'rejected');
  if (failure) {
    // No half cluster left running behind a failed start.
    await Promise.all(started.map((node) => node.stop('SIGKILL')));
    throw failure.reason;
  }
  const ofRole = (role: ClusterRole) => started.filter((node) => node.name.startsWith(`${role}-`));
  const cluster: Cluster = {
    api: ofRole('api'),
    gateways: ofRole('gateway'),
    workers: ofRole('worker'),
    all: () => [...cluster.api, ...cluster.gateways, ...cluster.workers],
    async add(role) {
      const node = await start(role);
      ({ api: cluster.api, gateway: cluster.gateways, worker: cluster.workers })[role].push(node);
      return node;
    },
    async stop() {
      await Promise.all(cluster.all().map((node) => node.stop('SIGTERM')));
    },
  };
  return cluster;
}
