/** Child processes of the bench: baseline servers, and reading a process's memory. */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { freePort } from '@heyyo/service-node';
import { onCleanup } from './cleanup.ts';

export const ROOT = fileURLToPath(new URL('../../..', import.meta.url));

export interface ScriptProcess {
  name: string;
  url: string;
  child: ChildProcess;
  output(): string;
  stop(signal?: NodeJS.Signals): Promise<void>;
}

/**
 * Runs `node --import tsx <script>` (a path from the repo root) and resolves once it prints a
 * JSON line with an `address`. The process is stopped by the bench's cleanup if not before.
 */
export async function startScript(name: string, script: string, env: Record<string, string>, nodeArgs: string[] = []): Promise<ScriptProcess> {
  const child = spawn(process.execPath, [...nodeArgs, '--import', 'tsx', script], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async (signal: NodeJS.Signals = 'SIGTERM') => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    await exited;
  };
  const unregister = onCleanup(name, () => stop('SIGKILL'));
  let text = '';
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${name} not ready in 30 s:\n${text}`)), 30_000);
    const onData = (chunk: Buffer) => {
      text += chunk;
      for (const line of text.split('\n')) {
        try {
          const parsed = JSON.parse(line) as { address?: string };
          if (parsed.address) {
            clearTimeout(timer);
            resolve(parsed.address);
          }
        } catch {
          // not JSON
        }
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    void exited.then(() => {
      clearTimeout(timer);
      reject(new Error(`${name} exited before ready:\n${text}`));
    });
  });
  return {
    name,
    url,
    child,
    output: () => text,
    async stop(signal) {
      await stop(signal);
      await unregister();
    },
  };
}

/** VmRSS of a process in bytes, from /proc/<pid>/status. */
export function readRss(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const match = /^VmRSS:\s+(\d+)\s+kB/m.exec(status);
  if (!match) throw new Error(`no VmRSS for pid ${pid}`);
  return Number(match[1]) * 1024;
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Runs `work` over `items` with at most `limit` in flight. */
export async function mapLimit<T, R>(items: readonly T[], limit: number, work: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const lanes = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index]!, index);
    }
  });
  await Promise.all(lanes);
  return results;
}

/**
 * Runs `node --import tsx <script>` with PORT set to a free port and resolves once
 * `GET <url><readyPath>` answers 200. For Heyyo nodes at LOG_LEVEL=warn, which do not print
 * their info-level "Heyyo is ready" line (so startCluster / startNodeProcess would wait forever).
 */
export async function startPolled(
  name: string,
  script: string,
  env: Record<string, string>,
  options: { nodeArgs?: string[]; readyPath?: string; timeoutMs?: number } = {},
): Promise<ScriptProcess> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const child = spawn(process.execPath, [...(options.nodeArgs ?? []), '--import', 'tsx', script], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', HOST: '127.0.0.1', ...env, PORT: String(port) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let text = '';
  child.stdout!.on('data', (chunk: Buffer) => (text += chunk));
  child.stderr!.on('data', (chunk: Buffer) => (text += chunk));
  let exitedEarly = false;
  const exited = new Promise<void>((resolve) =>
    child.once('exit', () => {
      exitedEarly = true;
      resolve();
    }),
  );
  const stop = async (signal: NodeJS.Signals = 'SIGTERM') => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    await exited;
  };
  const unregister = onCleanup(name, () => stop('SIGKILL'));
  const deadline = Date.now() + (options.timeoutMs ?? 60_000);
  for (;;) {
    if (exitedEarly) throw new Error(`${name} exited before ready:\n${text}`);
    if (Date.now() > deadline) {
      await stop('SIGKILL');
      throw new Error(`${name} not ready in time:\n${text}`);
    }
    const ok = await fetch(`${url}${options.readyPath ?? '/ready'}`).then(
      (response) => response.ok,
      () => false,
    );
    if (ok) break;
    await sleep(100);
  }
  return {
    name,
    url,
    child,
    output: () => text,
    async stop(signal) {
      await stop(signal);
      await unregister();
    },
  };
}
