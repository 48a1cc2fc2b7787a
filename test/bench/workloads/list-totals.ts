/**
 * List totals: what X-Total-Count costs on a big list. One app with 100,000 users (written by one
 * SQL statement: the only setup that bypasses the API, as 100,000 token requests would take
 * minutes) and one with 100, on a fresh API node. For each, sequential GET /api/users with the
 * server API's credentials: page 1, a middle page and the last page of 100, the p50 and p99 of
 * `samples` requests each; and, beside them, the same count(*) the route runs, alone, straight on
 * Postgres — the share of a page that counting takes.
 */
import postgres from 'postgres';
import { BENCH_ADMIN_TOKEN, startHeyyo } from '../lib/environment.ts';
import type { Row } from '../lib/report.ts';
import { call } from '../lib/rest.ts';
import { summarize, type Summary } from '../lib/stats.ts';

export interface ListTotalsProfile {
  users: number;
  smallUsers: number;
  /** Requests per measured page. */
  samples: number;
}

interface Timed {
  page: number;
  latency: Summary;
  total: number;
}

async function timeRequests(url: string, headers: Record<string, string>, samples: number): Promise<{ latency: Summary; total: number }> {
  const durations: number[] = [];
  let total = 0;
  for (let index = 0; index < samples; index++) {
    const started = performance.now();
    const response = await fetch(url, { headers });
    await response.arrayBuffer();
    durations.push(performance.now() - started);
    if (!response.ok) throw new Error(`GET ${url}: ${response.status}`);
    total = Number(response.headers.get('x-total-count'));
  }
  return { latency: summarize(durations), total };
}

async function appWithUsers(apiUrl: string, sql: postgres.Sql, count: number) {
  const app = await call<{ id: string; api_key: string; api_secret: string }>(apiUrl, 'POST', '/api/apps', { name: `list-${count}` }, BENCH_ADMIN_TOKEN);
  await sql`insert into users (app_id, external_id, created_at)
            select ${app.id}, 'user-' || n, now() - make_interval(secs => ${count} - n) from generate_series(1, ${count}) n`;
  return app;
}

export async function runListTotals(profile: ListTotalsProfile, log: (line: string) => void) {
  const heyyo = await startHeyyo({ label: 'lists', apiNodes: 1, gatewayNodes: 0, workerNodes: 0 });
  const sql = postgres(heyyo.database.url, { max: 1, onnotice: () => {} });
  try {
    const big = await appWithUsers(heyyo.apiUrl, sql, profile.users);
    const small = await appWithUsers(heyyo.apiUrl, sql, profile.smallUsers);
    await sql`analyze users`;
    log(`lists: ${profile.users} and ${profile.smallUsers} users written`);
    const measure = async (app: typeof big, users: number): Promise<Timed[]> => {
      const headers = { 'x-api-key': app.api_key, 'x-api-secret': app.api_secret };
      const lastPage = Math.ceil(users / 100);
      const pages = [...new Set([1, Math.ceil(lastPage / 2), lastPage])];
      const timed: Timed[] = [];
      for (const page of pages) {
        const result = await timeRequests(`${heyyo.apiUrl}/api/users?limit=100&page=${page}`, headers, profile.samples);
        if (result.total !== users) throw new Error(`X-Total-Count ${result.total}, expected ${users}`);
        timed.push({ page, ...result });
      }
      return timed;
    };
    const countAlone = async (appId: string) => {
      const durations: number[] = [];
      for (let index = 0; index < profile.samples; index++) {
        const started = performance.now();
        await sql`select count(*) from users where app_id = ${appId}`;
        durations.push(performance.now() - started);
      }
      return summarize(durations);
    };
    const bigPages = await measure(big, profile.users);
    const smallPages = await measure(small, profile.smallUsers);
    const count = { big: await countAlone(big.id), small: await countAlone(small.id) };
    const result = { bigPages, smallPages, count };
    log(`lists: ${JSON.stringify(result)}`);
    const W = `List totals (GET /api/users?limit=100, ${profile.users.toLocaleString('en-US')} users)`;
    const smallFirst = smallPages[0]!.latency;
    const rows: Row[] = [
      ...bigPages.map(({ page, latency }) => ({
        workload: W,
        metric: `page ${page} p50 latency, with X-Total-Count`,
        unit: 'ms',
        ours: latency.p50,
        baseline: smallFirst.p50,
        baselineName: `page 1 of ${profile.smallUsers} users`,
        note: `p99 ${latency.p99} ms`,
      })),
      {
        workload: W,
        metric: 'count(*) alone on Postgres, p50',
        unit: 'ms',
        ours: count.big.p50,
        baseline: count.small.p50,
        baselineName: `${profile.smallUsers} users`,
        note: 'the part of a page that counting takes',
      },
    ];
    return { result, rows };
  } finally {
    await sql.end();
    await heyyo.stop();
  }
}
