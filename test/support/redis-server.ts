/**
 * A redis-server of the test's own (Debian's package, installed by `npm test`), on a free
 * port, that the test stops and starts again: a Redis restart as nodes meet it. It keeps
 * nothing on disk, like the machine's Redis: a restart loses every key. Test tooling.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { Redis } from 'ioredis';
import { freePort } from '@heyyo/service-node';
import { eventually } from './eventually.ts';

export interface OwnRedis {
  readonly url: string;
  /** SIGTERM; resolves once the server exited. */
  stop(): Promise<void>;
  /** Starts it again on the same port; resolves once it answers PING. */
  start(): Promise<void>;
}

async function answers(url: string): Promise<boolean> {
  const probe = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  probe.on('error', () => {});
  try {
    await probe.connect();
    return (await probe.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    probe.disconnect();
  }
}

export async function startOwnRedis(): Promise<OwnRedis> {
  const port = await freePort();
  const url = `redis://127.0.0.1:${port}`;
  let server: ChildProcess | undefined;
  const start = async () => {
    server = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], {
      stdio: 'ignore',
    });
    await eventually(() => answers(url), `redis-server on port ${port} to answer`, 10_000, 50);
  };
  await start();
  return {
    url,
    start,
    async stop() {
      const running = server;
      if (!running || running.exitCode !== null) return;
      const exited = new Promise((resolve) => running.once('exit', resolve));
      running.kill('SIGTERM');
      await exited;
    },
  };
}
