/** Starts the bare Socket.IO baseline: `count` processes on one Redis under a unique key prefix. */
import { REDIS_URL, redisPrefix } from '../lib/environment.ts';
import { startScript, type ScriptProcess } from '../lib/processes.ts';

export interface BareGateways {
  processes: ScriptProcess[];
  urls: string[];
  stop(): Promise<void>;
}

export async function startBareGateways(count: number, label = 'bare'): Promise<BareGateways> {
  const keys = redisPrefix(label);
  const processes = await Promise.all(
    Array.from({ length: count }, (_, index) =>
      startScript(`bare-gateway-${index + 1}`, 'test/bench/baselines/bare-gateway.ts', { REDIS_URL, BARE_PREFIX: `${keys.prefix}socket.io` }),
    ),
  );
  return {
    processes,
    urls: processes.map((process) => process.url),
    async stop() {
      await Promise.all(processes.map((process) => process.stop()));
      await keys.release();
    },
  };
}
