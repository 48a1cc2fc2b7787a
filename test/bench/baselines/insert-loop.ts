/**
 * Baseline: the write-path ceiling. `connections` loops, each doing one single-row INSERT into
 * `messages` per transaction (autocommit), for a fixed time, on a fresh migrated database.
 */
import { randomUUID } from 'node:crypto';
import postgres from 'postgres';
import { createBenchDatabase } from '../lib/environment.ts';
import { nowMs, round, summarize, type Summary } from '../lib/stats.ts';

export interface InsertResult {
  connections: number;
  durationS: number;
  inserts: number;
  insertsPerSecond: number;
  latency: Summary;
}

export async function runInsertBaseline(options: { connections: number; durationMs: number; channels?: number }): Promise<InsertResult> {
  const database = await createBenchDatabase('insert');
  const sql = postgres(database.url, { max: options.connections, onnotice: () => {} });
  try {
    const appId = randomUUID();
    const userId = randomUUID();
    await sql`insert into apps (id, name, api_key, api_secret_hash) values (${appId}, 'bench', ${`cb_${appId}`}, 'x')`;
    await sql`insert into users (id, app_id, external_id) values (${userId}, ${appId}, 'bench')`;
    const channelIds = Array.from({ length: options.channels ?? 20 }, () => randomUUID());
    for (const id of channelIds) {
      await sql`insert into channels (id, app_id, name, created_by) values (${id}, ${appId}, 'bench', ${userId})`;
    }
    const metadata = JSON.stringify({ sentAt: 0, step: 0, n: 0 });
    let seq = 0;
    const latencies: number[] = [];
    const start = nowMs();
    const end = start + options.durationMs;
    await Promise.all(
      Array.from({ length: options.connections }, async () => {
        while (nowMs() < end) {
          const n = ++seq;
          const channelId = channelIds[n % channelIds.length]!;
          const began = nowMs();
          await sql`insert into messages (app_id, channel_id, user_id, seq, text, metadata)
                    values (${appId}, ${channelId}, ${userId}, ${n}, ${`bench ${n}`}, ${metadata}::jsonb)`;
          latencies.push(nowMs() - began);
        }
      }),
    );
    const seconds = (nowMs() - start) / 1000;
    return {
      connections: options.connections,
      durationS: round(seconds),
      inserts: latencies.length,
      insertsPerSecond: round(latencies.length / seconds, 1),
      latency: summarize(latencies),
    };
  } finally {
    await sql.end({ timeout: 5 });
    await database.drop();
  }
}
