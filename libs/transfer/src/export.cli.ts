/** `npm run export -- --app <id> [--out file]`: the app as NDJSON (format.ts) on stdout or into a file. */
import { createWriteStream } from 'node:fs';
import { finished } from 'node:stream/promises';
import { loadConfig } from '@heyyo/config';
import { EXPORT_USAGE, parseExportArgs, UsageError } from './cli-args.ts';
import { exportApp, ExportRefused } from './exporter.ts';
import { createProgress, progressModeFor } from './progress.ts';
import { openTransferDatabase } from './transfer-database.ts';

let args;
try {
  args = parseExportArgs(process.argv.slice(2));
} catch (error) {
  if (!(error instanceof UsageError)) throw error;
  process.stderr.write(`${error.message}\n${EXPORT_USAGE}\n`);
  process.exit(2);
}
const config = loadConfig();
const database = openTransferDatabase(config.database.url, args.deadlineMs);
const output = args.out ? createWriteStream(args.out) : process.stdout;
const progress = createProgress({ mode: progressModeFor(process.stderr), output: process.stderr, verb: 'exported', noun: 'messages' });
try {
  const report = await exportApp({ sql: database.sql, appId: args.app, output, onProgress: (done, total) => progress.update(done, { total }) });
  progress.stop();
  if (args.out) {
    output.end();
    await finished(output);
  }
  process.stderr.write(`exported app ${args.app}: ${report.lines} lines, ${report.messages} messages${args.out ? ` to ${args.out}` : ''}\n`);
} catch (error) {
  // stdout closed by its reader (`| head`): the reader has what it wanted.
  if ((error as NodeJS.ErrnoException).code === 'EPIPE') process.exitCode = 0;
  else {
    process.stderr.write(`export failed: ${error instanceof ExportRefused ? error.message : (error as Error).stack}\n`);
    process.exitCode = 1;
  }
} finally {
  await database.close();
}
