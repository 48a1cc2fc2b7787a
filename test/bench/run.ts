/**
 * `npm run bench [-- --quick] [-- --only=w1,w3]`: runs the workloads against a fresh Heyyo cluster
 * (2 gateways + 1 API + 1 worker) and their baselines, writes test/bench/results/<time>-<mode>.json
 * and results/latest.md, and removes every process, database and Redis key it created.
 */
import { runInsertBaseline, type InsertResult } from './baselines/insert-loop.ts';
import { cleanupAll, cleanupOnSignals } from './lib/cleanup.ts';
import { RUN_ID, startHeyyo } from './lib/environment.ts';
import { machine, markdownTable, writeReport, type Report, type Row } from './lib/report.ts';
import { createUsers } from './lib/rest.ts';
import { ratio } from './lib/stats.ts';
import { runW1 } from './workloads/w1-fanout.ts';
import { runW2 } from './workloads/w2-large-rooms.ts';
import { runW3 } from './workloads/w3-rest.ts';
import { runW4 } from './workloads/w4-reactions.ts';
import { runW5 } from './workloads/w5-reconnect-storm.ts';
import { runW6 } from './workloads/w6-memory.ts';
import { runStartup } from './workloads/startup.ts';
import { profiles, type Profile } from './profiles.ts';

const quick = process.argv.includes('--quick');
const onlyArg = process.argv.find((arg) => arg.startsWith('--only='));
const only = onlyArg ? new Set(onlyArg.slice('--only='.length).split(',')) : undefined;
const enabled = (workload: string) => !only || only.has(workload);
const profile: Profile = quick ? profiles.quick : profiles.full;
const began = Date.now();
const log = (line: string) => process.stdout.write(`[${((Date.now() - began) / 1000).toFixed(1).padStart(6)} s] ${line}\n`);

cleanupOnSignals();

const rows: Row[] = [];
const details: Record<string, unknown> = { profile };
const failures: string[] = [];
const startedAt = new Date().toISOString();

/** Runs one workload; a failure is recorded and the bench goes on with the next. */
async function attempt<T>(name: string, work: () => Promise<T>): Promise<T | undefined> {
  log(`${name}…`);
  try {
    return await work();
  } catch (error) {
    const message = `${name} failed: ${(error as Error).stack ?? error}`;
    failures.push(message.split('\n').slice(0, 3).join(' '));
    log(message);
    return undefined;
  }
}

let exitCode = 0;
try {
  log(`bench ${RUN_ID} (${quick ? 'quick' : 'full'}) on ${JSON.stringify(machine())}`);
  const heyyo = await startHeyyo({ label: 'heyyo', apiNodes: 1, gatewayNodes: 2, workerNodes: 1 });
  log(`cluster up: api ${heyyo.apiUrl}, gateways ${heyyo.gatewayUrls.join(' ')}`);
  const users = await createUsers(heyyo.apiUrl, profile.users);
  log(`${users.length} users with tokens`);

  // W6 first: idle connections of users in no channel, on a gateway that has served nothing yet.
  if (enabled('w6')) {
    const w6 = await attempt('W6 memory', () => runW6(heyyo, users, profile.w6.connections, log));
    if (w6) (rows.push(...w6.rows), (details.w6 = w6));
  }
  const w1 = enabled('w1') ? await attempt('W1 fan-out', () => runW1(heyyo, users, profile.w1, log)) : undefined;
  if (w1) (rows.push(...w1.rows), (details.w1 = w1));
  if (profile.w2 && enabled('w2')) {
    const w2 = await attempt('W2 large rooms', () => runW2(heyyo, users, profile.w2!, log));
    if (w2) (rows.push(...w2.rows), (details.w2 = w2));
  }
  const w3 = enabled('w3') ? await attempt('W3 REST', () => runW3(heyyo, users[users.length - 1]!, profile.w3, log)) : undefined;
  if (w3) (rows.push(...w3.rows), (details.w3 = w3));
  const w4 = enabled('w4') ? await attempt('W4 reactions burst', () => runW4(heyyo, users, profile.w4, log)) : undefined;
  if (w4) (rows.push(...w4.rows), (details.w4 = w4.result));
  // W5 last: it kills a gateway.
  const w5 = enabled('w5') ? await attempt('W5 reconnect storm', () => runW5(heyyo, users, profile.w5, log)) : undefined;
  if (w5) (rows.push(...w5.rows), (details.w5 = w5.result));
  await heyyo.stop();
  log('cluster stopped, database and keys dropped');

  if (enabled('startup')) {
    const startup = await attempt('Start-up', () => runStartup(log));
    if (startup) (rows.push(...startup.rows), (details.startup = startup.result));
  }

  let insert: InsertResult | undefined;
  if (enabled('insert')) {
    insert = await attempt('INSERT baseline', () => runInsertBaseline(profile.insert));
    if (insert) {
      log(`INSERT baseline: ${JSON.stringify(insert)}`);
      details.insert = insert;
      const persisted: Row[] = [];
      if (w3) persisted.push({ workload: 'Write path', metric: 'persisted sends/s via REST POST', unit: '/s', ours: w3.post.requestsPerSecond, baseline: insert.insertsPerSecond, baselineName: `INSERT loop ×${insert.connections}` });
      if (w1?.ours.max) persisted.push({ workload: 'Write path', metric: 'persisted sends/s via Socket.IO (W1 max step)', unit: '/s', ours: w1.ours.max.achievedSendRate, baseline: insert.insertsPerSecond, baselineName: `INSERT loop ×${insert.connections}` });
      persisted.push({ workload: 'Write path', metric: 'single-row INSERT p50 latency', unit: 'ms', baseline: insert.latency.p50, baselineName: `INSERT loop ×${insert.connections}`, note: `p99 ${insert.latency.p99} ms` });
      rows.push(...persisted);
    }
  }

  const goals: Report['goals'] = [];
  const goal = (text: string, met: boolean | undefined, detail: string) => goals.push({ goal: text, met, detail });
  if (w1) {
    const share = ratio(w1.ours.max?.achievedDeliveryRate ?? 0, w1.baseline.max?.achievedDeliveryRate);
    // A run where neither side failed a step found no maximum (the quick profile's two steps).
    const foundMax = [w1.ours, w1.baseline].some((run) => run.steps.some((step) => !step.passed));
    goal(
      'W1 ours ≥ 75% of bare (max sustainable deliveries/s)',
      share === undefined || !foundMax ? undefined : share >= 0.75,
      foundMax ? `${share === undefined ? '—' : Math.round(share * 100)}% of bare` : 'both passed every step: no maximum found (run the full profile)',
    );
    const half = w1.ours.half;
    goal('p50 ≤ 15 ms and p99 ≤ 50 ms at half our max rate', half ? half.latency.p50 <= 15 && half.latency.p99 <= 50 : undefined, half ? `at ${half.rate} msg/s: p50 ${half.latency.p50} ms, p99 ${half.latency.p99} ms` : 'no passing step');
  }
  if (insert && (w3 || w1?.ours.max)) {
    const best = Math.max(w3?.post.requestsPerSecond ?? 0, w1?.ours.max?.achievedSendRate ?? 0);
    goal('persisted sends/s ≥ the INSERT baseline', best >= insert.insertsPerSecond, `best ${Math.round(best)}/s vs ${Math.round(insert.insertsPerSecond)}/s (${Math.round((best / insert.insertsPerSecond) * 100)}%)`);
  }
  if (w3) {
    const share = w3.get.requestsPerSecond / w3.helloGet.requestsPerSecond;
    goal('GET messages ≥ 50% of hello-world', share >= 0.5, `${Math.round(share * 100)}% (${Math.round(w3.get.requestsPerSecond)} vs ${Math.round(w3.helloGet.requestsPerSecond)} req/s)`);
  }
  if (w4) {
    const { drift, errors } = w4.result;
    const total = drift.channels + drift.messages + drift.members;
    goal('W4 reactions burst leaves 0 counter drift and no failed reaction', total === 0 && errors === 0, `drift ${total}, ${errors} errors; ${Math.round(w4.result.ingestPerSecond)}/s in, ${Math.round(w4.result.drainPerSecond)}/s applied`);
  }
  if (w5) {
    const r = w5.result;
    goal(
      `W5 ${r.clients.toLocaleString('en-US')} clients recovered ≤ 15 s with 0 lost`,
      r.recoveredAllMs !== undefined && r.recoveredAllMs <= 15_000 && r.lost === 0,
      `${r.recovered}/${r.clients} recovered${r.recoveredAllMs === undefined ? '' : ` in ${(r.recoveredAllMs / 1000).toFixed(1)} s`}, ${r.lost} lost` +
        (r.clients < 2000 ? ' (quick profile: fewer clients than the goal)' : ''),
    );
  }

  const report: Report = { runId: RUN_ID, mode: quick ? 'quick' : 'full', startedAt, finishedAt: new Date().toISOString(), machine: machine(), rows, goals, details, failures };
  const written = writeReport(report);
  process.stdout.write(`\n${markdownTable(rows)}\n\n`);
  for (const g of goals) process.stdout.write(`${g.met === undefined ? 'not measured' : g.met ? 'met   ' : 'MISSED'}  ${g.goal}: ${g.detail}\n`);
  log(`wrote ${written.json} and ${written.markdown}`);
  if (failures.length) {
    exitCode = 1;
    log(`${failures.length} workload(s) failed`);
  }
} catch (error) {
  exitCode = 1;
  log(`bench failed: ${(error as Error).stack ?? error}`);
} finally {
  await cleanupAll();
}
process.exit(exitCode);
