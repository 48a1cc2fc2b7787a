/** The command lines of `npm run export` and `npm run import`, parsed without side effects. */

export interface ExportArgs {
  app: string;
  /** undefined: stdout. */
  out: string | undefined;
  deadlineMs: number | undefined;
}

export interface ImportArgs {
  /** '-' reads stdin. */
  file: string;
  app: string | undefined;
  /** 'heyyo': our own export; 'tegrabox': a dump of @tegrabox/chat-sdk records (see tegrabox.ts). */
  from: 'heyyo' | 'tegrabox';
  deadlineMs: number | undefined;
  /** --per-row-triggers: leave each message row's foreign keys to Postgres's triggers even where the role may skip them (see import-store.ts). */
  perRowTriggers: boolean;
}

export const EXPORT_USAGE = 'usage: npm run export -- --app <app id> [--out <file>] [--deadline-ms <ms>]';
export const IMPORT_USAGE =
  'usage: npm run import -- [--app <app id>] [--from heyyo|tegrabox] [--deadline-ms <ms>] [--per-row-triggers] <file | ->';

/** Options that take no value. */
const FLAGS = ['per-row-triggers'];

export class UsageError extends Error {}

function options(argv: readonly string[], known: readonly string[]): { named: Map<string, string>; positional: string[] } {
  const named = new Map<string, string>();
  const positional: string[] = [];
  for (let index = 0; index < argv.length; index++) {
    const arg = argv[index]!;
    if (!arg.startsWith('--')) {
      positional.push(arg);
      continue;
    }
    const [name, inline] = arg.slice(2).split(/=(.*)/s, 2) as [string, string | undefined];
    if (!known.includes(name)) throw new UsageError(`unknown option --${name}`);
    if (FLAGS.includes(name)) {
      if (inline !== undefined) throw new UsageError(`--${name} takes no value`);
      named.set(name, 'true');
      continue;
    }
    const value = inline ?? argv[++index];
    if (value === undefined || value === '') throw new UsageError(`--${name} needs a value`);
    named.set(name, value);
  }
  return { named, positional };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function appId(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  if (!UUID.test(value)) throw new UsageError(`--app must be an app id (a UUID), not ${JSON.stringify(value)}`);
  return value.toLowerCase();
}

function deadline(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const ms = Number(value);
  if (!Number.isInteger(ms) || ms < 100) throw new UsageError('--deadline-ms must be a whole number of milliseconds, at least 100');
  return ms;
}

export function parseExportArgs(argv: readonly string[]): ExportArgs {
  const { named, positional } = options(argv, ['app', 'out', 'deadline-ms']);
  if (positional.length > 0) throw new UsageError(`unexpected argument ${positional[0]}`);
  const app = appId(named.get('app'));
  if (!app) throw new UsageError('--app is required');
  return { app, out: named.get('out'), deadlineMs: deadline(named.get('deadline-ms')) };
}

export function parseImportArgs(argv: readonly string[]): ImportArgs {
  const { named, positional } = options(argv, ['app', 'from', 'deadline-ms', 'per-row-triggers']);
  if (positional.length !== 1) throw new UsageError(positional.length === 0 ? 'the file to import is missing' : 'one file at a time');
  const from = named.get('from') ?? 'heyyo';
  if (from !== 'heyyo' && from !== 'tegrabox') throw new UsageError('--from must be heyyo or tegrabox');
  const app = appId(named.get('app'));
  if (from === 'tegrabox' && !app) throw new UsageError('--from tegrabox needs --app (the Heyyo app to import into)');
  return {
    file: positional[0]!,
    app,
    from,
    deadlineMs: deadline(named.get('deadline-ms')),
    perRowTriggers: named.has('per-row-triggers'),
  };
}
