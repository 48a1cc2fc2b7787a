/**
 * `npm run import -- [--app <id>] [--from heyyo|tegrabox] file`: restores an export (format.ts) or a
 * @tegrabox/chat-sdk dump (tegrabox.ts) into an existing app. Bad lines are listed as `line N: reason`
 * and the run exits 1; see importer.ts for what is written then.
 *
 * `npm run import` starts Node with `--max-semi-space-size=128`: every line makes short-lived
 * objects and strings, and with V8's default 16 MiB young generation the scavenges took a third of
 * the process's CPU. 1,000,000 messages: 25 s → 20 s, for ~150 MiB more memory (docs/benchmarks.md).
 */
import { loadConfig } from '@heyyo/config';
import { IMPORT_USAGE, parseImportArgs, UsageError } from './cli-args.ts';
import { openInput } from './cli-output.ts';
import { importLines, ImportRefused, type ImportReport } from './importer.ts';
import { readLines } from './line-reader.ts';
import { createProgress, progressModeFor } from './progress.ts';
import { tegraboxLines, TEGRABOX_MAX_BYTES, TegraboxRefused } from './tegrabox.ts';
import { openTransferDatabase } from './transfer-database.ts';

/** The longest line read: a message at the default limits is far below (4000 characters, 10 × 8 KiB attachments). */
export const MAX_LINE_BYTES = 1 << 20;

let args;
try {
  args = parseImportArgs(process.argv.slice(2));
} catch (error) {
  if (!(error instanceof UsageError)) throw error;
  process.stderr.write(`${error.message}\n${IMPORT_USAGE}\n`);
  process.exit(2);
}
const config = loadConfig();
const database = openTransferDatabase(config.database.url, args.deadlineMs);
const input = openInput(args.file);
const progress = createProgress({ mode: progressModeFor(process.stderr), output: process.stderr, verb: 'imported', noun: 'messages' });
const summary = (report: ImportReport) =>
  `${Object.entries(report.counts).map(([kind, count]) => `${count} ${kind}`).join(', ')} ` +
  `(message batches: ${report.messageBatches.direct} copied directly, ${report.messageBatches.staged} through staging; ` +
  `references checked by ${report.referenceChecks === 'importer' ? 'the importer' : 'the importer and per-row triggers'}; ` +
  `seconds writing ${report.seconds.writing.toFixed(1)}, waiting for writes ${report.seconds.waitingForWrites.toFixed(1)}, ` +
  `recounting ${report.seconds.recount.toFixed(1)})`;
try {
  const lines =
    args.from === 'tegrabox'
      ? await tegraboxLines(input.stream, {
          appId: args.app!,
          maxBytes: TEGRABOX_MAX_BYTES,
          maxLineBytes: MAX_LINE_BYTES,
          messageTextLength: config.limits.messageTextLength,
        })
      : readLines(input.stream, MAX_LINE_BYTES);
  const report = await importLines({
    sql: database.sql,
    lines,
    maxLineBytes: MAX_LINE_BYTES,
    ...(args.app ? { targetAppId: args.app } : {}),
    limits: config.limits,
    perRowTriggers: args.perRowTriggers,
    onProgress: (counts) => progress.update(counts.message, { fraction: input.fractionRead() }),
  });
  progress.stop();
  if (report.errorCount > 0) {
    process.stderr.write(`${report.errors.join('\n')}\n`);
    if (report.errorCount > report.errors.length) process.stderr.write(`… and ${report.errorCount - report.errors.length} more errors\n`);
    process.stderr.write(`import stopped at the first broken batch; stored before it: ${summary(report)}\n`);
    process.exitCode = 1;
  } else {
    process.stderr.write(`imported into app ${report.appId}: ${summary(report)}\n`);
  }
} catch (error) {
  const refused = error instanceof ImportRefused || error instanceof TegraboxRefused;
  process.stderr.write(`import failed: ${refused ? error.message : (error as Error).stack}\n`);
  process.exitCode = 1;
} finally {
  await database.close();
}
