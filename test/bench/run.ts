/**
 * `npm run bench [-- --quick] [-- --only=w1,w3,lists] [-- --overload-rate=N] [-- --w1-rates=300,400] [-- --browser-unlimited]`: runs the workloads against
 * fresh Heyyo clusters (2 gateways + 1 API + 1 worker) and their baselines, writes
 * test/bench/results/<time>-<mode>.json and results/latest.md, and removes every process, database
 * and Redis key it created.
 */
import { runInsertBaseline, type InsertResult } from './baselines/insert-loop.ts';
import { cleanupAll, cleanupOnSignals } from './lib/cleanup.ts';
import { RUN_ID, startHeyyo } from './lib/environment.ts';
import { machine, markdownTable, writeReport, type Report, type Row } from './lib/report.ts';
import { createUsers } from './lib/rest.ts';
import { ratio, round } from './lib/stats.ts';
import { cpuRatioAtOurMax, runW1Fresh, runW1Warmed, stepAt, type W1Result } from './workloads/w1-fanout.ts';
import { runW2 } from './workloads/w2-large-rooms.ts';
import { runW3 } from './workloads/w3-rest.ts';
import { runW4, totalDrift } from './workloads/w4-reactions.ts';
import { runW5 } from './workloads/w5-reconnect-storm.ts';
import { runW6 } from './workloads/w6-memory.ts';
import { runW7, workerAndPostgres } from './workloads/w7-realistic.ts';
import { runOverload } from './workloads/overload.ts';
import { runStartup } from './workloads/startup.ts';
import { runImport } from './workloads/import.ts';
import { runBrowser } from './workloads/browser-render.ts';
import { runListTotals } from './workloads/list-totals.ts';
import { totalCpu } from './workloads/measured-step.ts';
import { profiles, type Profile } from './profiles.ts';

const quick = process.argv.includes('--quick');
const onlyArg = process.argv.find((arg) => arg.startsWith('--only='));
const only = onlyArg ? new Set(onlyArg.slice('--only='.length).split(',')) : undefined;
const enabled = (workload: string) => !only || only.has(workload);
const overloadRateArg = Number(process.argv.find((arg) => arg.startsWith('--overload-rate='))?.slice('--overload-rate='.length) ?? NaN);
const w1RatesArg = process.argv.find((arg) => arg.startsWith('--w1-rates='))?.slice('--w1-rates='.length);
const chosen: Profile = quick ? profiles.quick : profiles.full;
// --w1-rates=300 measures (or profiles) chosen W1 steps only.
const withRates: Profile = w1RatesArg ? { ...chosen, w1: { ...chosen.w1, rates: w1RatesArg.split(',').map(Number) } } : chosen;
// --browser-unlimited scrolls the browser row's lists again with Chromium's frame-rate limit off.
const profile: Profile = process.argv.includes('--browser-unlimited') ? { ...withRates, browser: { ...withRates.browser, unlimitedFrameRate: true } } : withRates;
/** GET …/messages?limit=50 req/s when issue 13 was filed (its item 4 asks for 5× that). */
const GET_BEFORE_ISSUE_13 = 454;
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

/** R for the overload row: --overload-rate, else W1 fresh's last passing step, else the profile's default. */
function overloadRate(w1: W1Result | undefined): { rate: number; source: string } {
  if (overloadRateArg > 0) return { rate: overloadRateArg, source: '--overload-rate' };
  const max = w1?.ours.max;
  if (max) return { rate: max.rate, source: w1.ours.steps.every((step) => step.passed) ? 'W1 fresh max, a lower bound (passed every step)' : 'W1 fresh max' };
  return { rate: profile.overload.defaultRate, source: 'profile default (no W1 fresh max)' };
}

const describeLatency = (step: { latency: { p50: number; p99: number } } | undefined) => (step ? `p50 ${step.latency.p50} ms, p99 ${step.latency.p99} ms` : 'not run');

let exitCode = 0;
try {
  log(`bench ${RUN_ID} (${quick ? 'quick' : 'full'}) on ${JSON.stringify(machine())}`);
  // Workloads on processes of their own first: the shared cluster's idle nodes would add to the CPU they measure.
  const w1 = enabled('w1') ? await attempt('W1 fan-out, fresh', () => runW1Fresh(profile.w1, log)) : undefined;
  if (w1) (rows.push(...w1.rows), (details.w1Fresh = w1));
  const overload = enabled('overload')
    ? await attempt('Overload', () => {
        const { rate, source } = overloadRate(w1);
        return runOverload(rate, source, profile.overload, log);
      })
    : undefined;
  if (overload) (rows.push(...overload.rows), (details.overload = overload.result));
  const w7 = enabled('w7') ? await attempt('W7 realistic', () => runW7(profile.w7, log)) : undefined;
  if (w7) (rows.push(...w7.rows), (details.w7 = w7.result));

  let w3: Awaited<ReturnType<typeof runW3>> | undefined;
  let w4: Awaited<ReturnType<typeof runW4>> | undefined;
  let w5: Awaited<ReturnType<typeof runW5>> | undefined;
  if (['w6', 'w1', 'w2', 'w3', 'w4', 'w5'].some(enabled)) {
    const heyyo = await startHeyyo({ label: 'heyyo', apiNodes: 1, gatewayNodes: 2, workerNodes: 1 });
    log(`cluster up: api ${heyyo.apiUrl}, gateways ${heyyo.gatewayUrls.join(' ')}`);
    const users = await createUsers(heyyo.apiUrl, profile.users);
    log(`${users.length} users with tokens`);

    // W6 first: idle connections of users in no channel, on a gateway that has served nothing yet.
    if (enabled('w6')) {
      const w6 = await attempt('W6 memory', () => runW6(heyyo, users, profile.w6.connections, log));
      if (w6) (rows.push(...w6.rows), (details.w6 = w6));
    }
    const w1Warmed = enabled('w1') ? await attempt('W1 fan-out, warmed ramp', () => runW1Warmed(heyyo, users, profile.w1, log)) : undefined;
    if (w1Warmed) (rows.push(...w1Warmed.rows), (details.w1Warmed = w1Warmed));
    if (profile.w2 && enabled('w2')) {
      const w2 = await attempt('W2 large rooms', () => runW2(heyyo, users, profile.w2!, log));
      if (w2) (rows.push(...w2.rows), (details.w2 = w2));
    }
    w3 = enabled('w3') ? await attempt('W3 REST', () => runW3(heyyo, users[users.length - 1]!, profile.w3, log)) : undefined;
    if (w3) (rows.push(...w3.rows), (details.w3 = w3));
    w4 = enabled('w4') ? await attempt('W4 reactions burst', () => runW4(heyyo, users, profile.w4, log)) : undefined;
    if (w4) (rows.push(...w4.rows), (details.w4 = w4.result));
    // W5 last: it kills a gateway.
    w5 = enabled('w5') ? await attempt('W5 reconnect storm', () => runW5(heyyo, users, profile.w5, log)) : undefined;
    if (w5) (rows.push(...w5.rows), (details.w5 = w5.result));
    await heyyo.stop();
    log('cluster stopped, database and keys dropped');
  }

  if (enabled('startup')) {
    const startup = await attempt('Start-up', () => runStartup(log));
    if (startup) (rows.push(...startup.rows), (details.startup = startup.result));
  }

  if (enabled('import')) {
    const imported = await attempt('Import', () => runImport(profile.import, log));
    if (imported) (rows.push(...imported.rows), (details.import = imported.result));
  }

  if (enabled('lists')) {
    const lists = await attempt('List totals', () => runListTotals(profile.lists, log));
    if (lists) (rows.push(...lists.rows), (details.lists = lists.result));
  }

  if (enabled('browser')) {
    const browser = await attempt('Browser', () => runBrowser(profile.browser, log));
    if (browser) (rows.push(...browser.rows), (details.browser = browser.result));
  }

  let insert: InsertResult | undefined;
  if (enabled('insert')) {
    insert = await attempt('INSERT baseline', () => runInsertBaseline(profile.insert));
    if (insert) {
      log(`INSERT baseline: ${JSON.stringify(insert)}`);
      details.insert = insert;
      const persisted: Row[] = [];
      if (w3) persisted.push({ workload: 'Write path', metric: 'persisted sends/s via REST POST', unit: '/s', ours: w3.post.requestsPerSecond, baseline: insert.insertsPerSecond, baselineName: `INSERT loop ×${insert.connections}` });
      if (w1?.ours.max) persisted.push({ workload: 'Write path', metric: 'persisted sends/s via Socket.IO (W1 fresh max step)', unit: '/s', ours: w1.ours.max.achievedSendRate, baseline: insert.insertsPerSecond, baselineName: `INSERT loop ×${insert.connections}` });
      persisted.push({ workload: 'Write path', metric: 'single-row INSERT p50 latency', unit: 'ms', baseline: insert.latency.p50, baselineName: `INSERT loop ×${insert.connections}`, note: `p99 ${insert.latency.p99} ms` });
      rows.push(...persisted);
    }
  }

  const goals: Report['goals'] = [];
  const goal = (text: string, met: boolean | undefined, detail: string) => goals.push({ goal: text, met, detail });
  if (w1) {
    const share = ratio(w1.ours.max?.achievedDeliveryRate ?? 0, w1.baseline.max?.achievedDeliveryRate);
    // A run where neither side failed a step found no maximum (e.g. the quick profile's two steps).
    const foundMax = [w1.ours, w1.baseline].some((run) => run.steps.some((step) => !step.passed));
    const shareDetail = foundMax ? `${share === undefined ? '—' : Math.round(share * 100)}% of bare` : 'both passed every step: no maximum found (run the full profile)';
    for (const [bar, kind] of [[0.5, 'milestone'], [0.75, 'goal']] as const) {
      goal(`W1 fresh ours ≥ ${bar * 100}% of bare, max sustainable deliveries/s (${kind})`, share === undefined || !foundMax ? undefined : share >= bar, shareDetail);
    }
    const reference = profile.w1.latencyRate;
    const at = stepAt(w1.ours, reference);
    const stoppedBefore = !at && w1.ours.steps.some((step) => !step.passed && step.rate < reference);
    goal(
      `W1 fresh p50 ≤ 5 ms and p99 ≤ 30 ms at ${reference} msg/s`,
      at ? at.latency.p50 <= 5 && at.latency.p99 <= 30 : stoppedBefore ? false : undefined,
      at ? `p50 ${at.latency.p50} ms, p99 ${at.latency.p99} ms (bare ${describeLatency(stepAt(w1.baseline, reference))})` : stoppedBefore ? `ours failed below ${reference} msg/s` : `no ${reference} msg/s step`,
    );
    const cpu = cpuRatioAtOurMax(w1);
    goal('W1 fresh CPU per message (all processes) ≤ 2× bare, at our max step', cpu === undefined ? undefined : cpu <= 2, cpu === undefined ? 'no step measured on both sides' : `${cpu}× bare at ${w1.ours.max!.rate} msg/s`);
  }
  if (w7) {
    const { ours, baseline } = w7.result;
    const cpu = ratio(totalCpu(ours.cpuMsPerMessage), totalCpu(baseline.cpuMsPerMessage));
    goal('W7 CPU per message, all processes ≤ 2× bare', cpu === undefined ? undefined : cpu <= 2, `${cpu ?? '—'}× bare (${round(totalCpu(ours.cpuMsPerMessage), 3)} vs ${round(totalCpu(baseline.cpuMsPerMessage), 3)} ms)`);
    const counters = workerAndPostgres(ours);
    goal('W7 worker + Postgres CPU ≤ 0.1 ms per message', counters <= 0.1, `${counters} ms (an upper bound for the counters: Postgres also runs the inserts and read marks)`);
  }
  if (overload) {
    const r = overload.result;
    goal('Overload: accepted sends p99 send→ack and send→deliver ≤ 250 ms during 2×R', r.ack.p99 <= 250 && r.deliver.p99 <= 250, `ack p99 ${r.ack.p99} ms, deliver p99 ${r.deliver.p99} ms at ${r.rate * 2} msg/s`);
    goal('Overload: 0 ack timeouts', r.ackTimeouts === 0, `${r.ackTimeouts}`);
    goal('Overload: 0 acknowledged messages lost', r.ackedLost === 0, `${r.ackedLost}`);
    goal('Overload: recovery (p99 < 50 ms) < 5 s after the overload', r.recoveryMs === undefined ? false : r.recoveryMs < 5000, r.recoveryMs === undefined ? 'not recovered' : `${r.recoveryMs / 1000} s`);
  }
  if (insert && (w3 || w1?.ours.max)) {
    const best = Math.max(w3?.post.requestsPerSecond ?? 0, w1?.ours.max?.achievedSendRate ?? 0);
    goal('persisted sends/s ≥ the INSERT baseline', best >= insert.insertsPerSecond, `best ${Math.round(best)}/s vs ${Math.round(insert.insertsPerSecond)}/s (${Math.round((best / insert.insertsPerSecond) * 100)}%)`);
  }
  if (w3) {
    const share = w3.get.requestsPerSecond / w3.helloGet.requestsPerSecond;
    goal('GET messages ≥ 50% of hello-world', share >= 0.5, `${Math.round(share * 100)}% (${Math.round(w3.get.requestsPerSecond)} vs ${Math.round(w3.helloGet.requestsPerSecond)} req/s)`);
    const got = w3.get.requestsPerSecond;
    goal(`GET …?limit=50 ≥ 5× the ${GET_BEFORE_ISSUE_13} req/s issue 13 started from`, got >= 5 * GET_BEFORE_ISSUE_13, `${Math.round(got)} req/s (${round(got / GET_BEFORE_ISSUE_13, 1)}×); ${Math.round(w3.getWhileWritten.requestsPerSecond)} req/s with a write every 100 ms`);
  }
  if (w4) {
    const { drift, errors } = w4.result;
    const total = totalDrift(drift);
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
