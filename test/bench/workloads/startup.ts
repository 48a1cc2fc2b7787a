/**
 * Start-up: time from spawning `services/node/src/main.ts` (all roles) until `/ready` answers,
 * on the local Postgres and Redis, and as on a machine with only Node (embedded Postgres and the
 * memory engine: first start with initdb, then a restart on the kept data).
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createBenchDatabase, REDIS_URL, redisPrefix } from '../lib/environment.ts';
import { startPolled } from '../lib/processes.ts';
import type { Row } from '../lib/report.ts';

async function timeToReady(name: string, env: Record<string, string>): Promise<number> {
  const started = Date.now();
  const node = await startPolled(name, 'services/node/src/main.ts', env, { timeoutMs: 120_000 });
  const elapsed = Date.now() - started;
  await node.stop('SIGTERM');
  return elapsed;
}

export async function runStartup(log: (line: string) => void) {
  const database = await createBenchDatabase('startup');
  const keys = redisPrefix('startup');
  const dataDir = mkdtempSync(join(tmpdir(), 'heyyo-bench-startup-'));
  const base = { NODE_ENV: 'test', LOG_LEVEL: 'warn', HEYYO_DATA_DIR: dataDir, HEYYO_JWT_KEYS: `bench:${randomBytes(32).toString('hex')}` };
  try {
    const local = await timeToReady('startup-local', { ...base, DATABASE_URL: database.url, REDIS_URL, HEYYO_REDIS_PREFIX: keys.prefix });
    const alone = { ...base, HEYYO_EMBEDDED_POSTGRES: '1', HEYYO_MEMORY_ENGINE: '1' };
    const firstEmbedded = await timeToReady('startup-embedded-first', alone);
    const restartEmbedded = await timeToReady('startup-embedded-restart', alone);
    const result = { local, firstEmbedded, restartEmbedded };
    log(`start-up to ready (ms): ${JSON.stringify(result)}`);
    const W = 'Start-up (all roles, `node --import tsx`)';
    const rows: Row[] = [
      { workload: W, metric: 'spawn → /ready, local Postgres + Redis', unit: 's', ours: local / 1000, note: 'includes migrations check' },
      { workload: W, metric: 'spawn → /ready, embedded Postgres + memory engine, first start', unit: 's', ours: firstEmbedded / 1000, note: 'includes initdb and the migrations' },
      { workload: W, metric: 'spawn → /ready, embedded Postgres + memory engine, restart', unit: 's', ours: restartEmbedded / 1000, note: 'data kept in HEYYO_DATA_DIR' },
    ];
    return { result, rows };
  } finally {
    await keys.release();
    await database.drop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}
