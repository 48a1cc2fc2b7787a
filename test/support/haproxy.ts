/** Runs Debian's haproxy with infra/haproxy.cfg in front of local nodes (the tests' load balancer). */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { freePort } from '@heyyo/service-node';

const CONFIG = fileURLToPath(new URL('../../infra/haproxy.cfg', import.meta.url));

export interface LoadBalancer {
  url: string;
  stop(): Promise<void>;
}

const hostPort = (url: string) => new URL(url).host;

export async function startHaproxy(api: readonly string[], gateways: readonly string[]): Promise<LoadBalancer> {
  const port = await freePort();
  const child = spawn('haproxy', ['-db', '-f', CONFIG], {
    env: {
      PATH: process.env.PATH ?? '',
      LB_PORT: String(port),
      HEYYO_API_1: hostPort(api[0]!),
      HEYYO_API_2: hostPort(api[1]!),
      HEYYO_GATEWAY_1: hostPort(gateways[0]!),
      HEYYO_GATEWAY_2: hostPort(gateways[1]!),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk) => (output += chunk));
  child.stderr!.on('data', (chunk) => (output += chunk));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = `http://127.0.0.1:${port}`;
  for (let waited = 0; ; waited += 100) {
    if (child.exitCode !== null) throw new Error(`haproxy exited:\n${output}`);
    const ok = await fetch(`${url}/health`).then((response) => response.ok, () => false);
    if (ok) break;
    if (waited > 15_000) {
      child.kill('SIGKILL');
      throw new Error(`haproxy not serving in 15 s:\n${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return {
    url,
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}
