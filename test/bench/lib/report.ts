/** Result rows → a Markdown table and a JSON file in test/bench/results/. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, freemem, totalmem } from 'node:os';
import { join } from 'node:path';
import { ROOT } from './processes.ts';
import { ratio } from './stats.ts';

export interface Row {
  workload: string;
  metric: string;
  unit: string;
  ours?: number;
  baseline?: number;
  /** What the baseline is (bare Socket.IO, Fastify hello world, INSERT loop…). */
  baselineName?: string;
  note?: string;
}

export const RESULTS_DIR = join(ROOT, 'test/bench/results');

export function machine() {
  return {
    nproc: cpus().length,
    cpu: cpus()[0]?.model ?? 'unknown',
    memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    freeMemoryGiB: Math.round((freemem() / 2 ** 30) * 10) / 10,
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
  };
}

const format = (value: number | undefined) =>
  value === undefined ? '—' : Math.abs(value) >= 100 ? Math.round(value).toLocaleString('en-US') : String(Math.round(value * 100) / 100);

export function markdownTable(rows: readonly Row[]): string {
  const lines = ['| Workload | Metric | Ours | Baseline | Ours / baseline | Note |', '| --- | --- | ---: | ---: | ---: | --- |'];
  for (const row of rows) {
    const r = ratio(row.ours, row.baseline);
    const baseline = row.baseline === undefined ? '—' : `${format(row.baseline)}${row.baselineName ? ` (${row.baselineName})` : ''}`;
    lines.push(
      `| ${row.workload} | ${row.metric} (${row.unit}) | ${format(row.ours)} | ${baseline} | ${r === undefined ? '—' : `${r}×`} | ${row.note ?? ''} |`,
    );
  }
  return lines.join('\n');
}

export interface Report {
  runId: string;
  mode: 'quick' | 'full';
  startedAt: string;
  finishedAt: string;
  machine: ReturnType<typeof machine>;
  rows: Row[];
  goals: { goal: string; met: boolean | undefined; detail: string }[];
  details: Record<string, unknown>;
  failures: string[];
}

export function writeReport(report: Report): { json: string; markdown: string } {
  mkdirSync(RESULTS_DIR, { recursive: true });
  const stamp = report.startedAt.replace(/[:.]/g, '-');
  const json = join(RESULTS_DIR, `${stamp}-${report.mode}.json`);
  writeFileSync(json, `${JSON.stringify(report, null, 2)}\n`);
  const m = report.machine;
  const markdown = [
    `# Heyyo bench — ${report.mode} run ${report.runId}`,
    '',
    `${report.startedAt} → ${report.finishedAt}; ${m.nproc} × ${m.cpu}, ${m.memoryGiB} GiB, Node ${m.node}, ${m.platform}.`,
    '',
    markdownTable(report.rows),
    '',
    '## Goals',
    '',
    ...report.goals.map((goal) => `- ${goal.met === undefined ? 'not measured' : goal.met ? 'met' : 'MISSED'}: ${goal.goal} — ${goal.detail}`),
    ...(report.failures.length ? ['', '## Failures', '', ...report.failures.map((failure) => `- ${failure}`)] : []),
    '',
    `Full figures: \`${json.slice(ROOT.length)}\`.`,
    '',
  ].join('\n');
  const latest = join(RESULTS_DIR, 'latest.md');
  writeFileSync(latest, markdown);
  return { json, markdown: latest };
}
