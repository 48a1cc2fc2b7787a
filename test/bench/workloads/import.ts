/**
 * Import: `npm run import` of a synthetic 1,000,000-message export (1,000 users, 1,000 channels,
 * 1,000 messages each, 10,000 reactions) into an empty app on a fresh database, as a child process
 * (reading, checking, COPY, the final recount); then the same file again (every row present: the
 * idempotent re-run through staging); then with --per-row-triggers into a second fresh database
 * (the bench's role is a superuser, so the first runs skip the triggers: see import-store.ts). Baseline: one plain COPY of the same messages into the same
 * table (no checks, no batches), what Postgres alone takes.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import postgres from 'postgres';
import { createBenchDatabase } from '../lib/environment.ts';
import { writeSyntheticExport, type SyntheticExport } from '../lib/export-file.ts';
import { ROOT } from '../lib/processes.ts';
import type { Row } from '../lib/report.ts';
import { runScript } from '../../support/run-script.ts';

export interface ImportBenchResult {
  size: SyntheticExport;
  fileMiB: number;
  first: { seconds: number; messagesPerSecond: number };
  rerun: { seconds: number; messagesPerSecond: number };
  /** --per-row-triggers, into a second fresh database. */
  perRowTriggers: { seconds: number; messagesPerSecond: number };
  plainCopy: { seconds: number; messagesPerSecond: number };
  storedMessages: number;
  /** The CLI's summary lines (where its time went). */
  output: { first: string; rerun: string; perRowTriggers: string };
}

/** The machine's 1-minute load average: this box is shared, and the import's rate moves with it. */
const load = () => loadavg()[0]!.toFixed(1);

/** `npm run import`'s node arguments (its V8 flags included), from package.json: the bench runs what users run, without npm. */
function importScriptArgs(): string[] {
  const script = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts.import!;
  const [command, ...args] = script.split(/\s+/);
  if (command !== 'node') throw new Error(`npm run import is not a node command: ${script}`);
  return args;
}

async function timedImport(url: string, appId: string, file: string, extra: string[] = []): Promise<{ seconds: number; output: string; load: string }> {
  const started = performance.now();
  const result = await runScript([...importScriptArgs(), '--app', appId, ...extra, file], { DATABASE_URL: url, NODE_ENV: 'production', HEYYO_ADMIN_TOKEN: randomBytes(16).toString('hex'), HEYYO_JWT_KEYS: `bench:${randomBytes(32).toString('hex')}`, HOME: process.env.HOME ?? '/tmp' }, ROOT);
  const seconds = (performance.now() - started) / 1000;
  if (result.code !== 0) throw new Error(`import exited ${result.code}:\n${result.output}`);
  return { seconds, output: result.output, load: load() };
}

async function createApp(sql: postgres.Sql, id: string = randomUUID()): Promise<string> {
  await sql`insert into apps (id, name, api_key, api_secret_hash) values (${id}, 'import bench', ${randomBytes(12).toString('hex')}, 'unused')`;
  return id;
}

const lastLine = (output: string) => output.trim().split('\n').at(-1) ?? '';

export async function runImport(size: SyntheticExport, log: (line: string) => void): Promise<{ result: ImportBenchResult; rows: Row[] }> {
  const folder = mkdtempSync(join(tmpdir(), 'heyyo-bench-import-'));
  const database = await createBenchDatabase('import');
  const sql = postgres(database.url, { max: 2, onnotice: () => {} });
  try {
    const appId = await createApp(sql);
    const file = join(folder, 'export.ndjson');
    await writeSyntheticExport(file, appId, size);
    const fileMiB = statSync(file).size / 2 ** 20;
    log(`import: ${size.messages} messages in ${fileMiB.toFixed(0)} MiB`);
    const first = await timedImport(database.url, appId, file);
    log(`import: first run ${first.seconds.toFixed(1)} s (${Math.round(size.messages / first.seconds)} messages/s)`);
    const rerun = await timedImport(database.url, appId, file);
    log(`import: re-run ${rerun.seconds.toFixed(1)} s`);
    const triggersDatabase = await createBenchDatabase('import_triggers');
    const triggersSql = postgres(triggersDatabase.url, { max: 1, onnotice: () => {} });
    let perRowTriggers: { seconds: number; output: string; load: string };
    try {
      await createApp(triggersSql, appId);
      perRowTriggers = await timedImport(triggersDatabase.url, appId, file, ['--per-row-triggers']);
    } finally {
      await triggersSql.end();
      await triggersDatabase.drop();
    }
    log(`import: --per-row-triggers ${perRowTriggers.seconds.toFixed(1)} s (${Math.round(size.messages / perRowTriggers.seconds)} messages/s)`);
    const [{ count }] = (await sql`select count(*)::int as count from messages where app_id = ${appId}`) as unknown as [{ count: number }];
    if (count !== size.messages) throw new Error(`stored ${count} messages, not ${size.messages}`);

    // Baseline: the same rows in one COPY from another table into the emptied messages table.
    await sql`create table plain as select * from messages where app_id = ${appId}`;
    await sql`delete from reactions where app_id = ${appId}`;
    await sql`delete from messages where app_id = ${appId}`;
    await sql`vacuum messages`;
    const started = performance.now();
    await pipeline(await sql`copy plain to stdout`.readable(), await sql`copy messages from stdin`.writable());
    const plainSeconds = (performance.now() - started) / 1000;
    const plainLoad = load();
    log(`import: one plain COPY of the same rows ${plainSeconds.toFixed(1)} s`);

    const result: ImportBenchResult = {
      size,
      fileMiB,
      first: { seconds: first.seconds, messagesPerSecond: size.messages / first.seconds },
      rerun: { seconds: rerun.seconds, messagesPerSecond: size.messages / rerun.seconds },
      perRowTriggers: { seconds: perRowTriggers.seconds, messagesPerSecond: size.messages / perRowTriggers.seconds },
      plainCopy: { seconds: plainSeconds, messagesPerSecond: size.messages / plainSeconds },
      storedMessages: count,
      output: { first: lastLine(first.output), rerun: lastLine(rerun.output), perRowTriggers: lastLine(perRowTriggers.output) },
    };
    const W = 'Import (`npm run import`, 1 process)';
    const baselineName = 'one plain COPY of the rows, no checks';
    const rows: Row[] = [
      { workload: W, metric: `${size.messages.toLocaleString('en')} messages into an empty app`, unit: 'messages/s', ours: Math.round(result.first.messagesPerSecond), baseline: Math.round(result.plainCopy.messagesPerSecond), baselineName, note: `${result.first.seconds.toFixed(1)} s for ${fileMiB.toFixed(0)} MiB, process start and recount included; load ${first.load} (COPY: ${plainLoad})` },
      { workload: W, metric: 'the same file again (idempotent re-run)', unit: 'messages/s', ours: Math.round(result.rerun.messagesPerSecond), note: `${result.rerun.seconds.toFixed(1)} s, nothing new stored; load ${rerun.load}` },
      { workload: W, metric: 'into an empty app with --per-row-triggers', unit: 'messages/s', ours: Math.round(result.perRowTriggers.messagesPerSecond), baseline: Math.round(result.plainCopy.messagesPerSecond), baselineName, note: `${result.perRowTriggers.seconds.toFixed(1)} s; every row's foreign keys also checked by Postgres's triggers; load ${perRowTriggers.load}` },
    ];
    return { result, rows };
  } finally {
    await sql.end();
    await database.drop();
    rmSync(folder, { recursive: true, force: true });
  }
}
