import { execFile } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { startNodeProcess, type NodeProcess } from '@heyyo/service-node';
import { fileResources } from '../support/resources.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const run = promisify(execFile);

/** The runtime stage of infra/Dockerfile: what it copies from the build, and the command it runs. */
function runtimeStage() {
  const dockerfile = readFileSync(join(ROOT, 'infra/Dockerfile'), 'utf8');
  const stage = dockerfile.slice(dockerfile.indexOf('AS runtime'));
  const copied = [...stage.matchAll(/^COPY --from=check (.+) \S+$/gm)].flatMap((match) =>
    match[1]!.split(/\s+/).map((path) => path.replace(/^\/app\//, '')),
  );
  const command = JSON.parse(/^CMD (\[.+\])$/m.exec(stage)![1]!) as string[];
  return { copied, command, installs: /RUN npm ci --omit=dev/.test(stage) };
}

/**
 * The image's runtime stage without a Docker engine: the same files, `npm ci --omit=dev`,
 * the same command with NODE_ENV=production. Proves the production install runs every role.
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
    expect(stage.installs).toBe(true);
    expect(stage.copied).toEqual(expect.arrayContaining(['package.json', 'package-lock.json', 'libs', 'services']));
    for (const path of stage.copied) {
      cpSync(join(ROOT, path), join(dir, path), { recursive: true, filter: (source) => !source.includes('node_modules') && !source.endsWith('/dist') });
    }
    await run('npm', ['ci', '--omit=dev', '--prefer-offline', '--no-audit', '--no-fund'], { cwd: dir, timeout: 240_000 });
    const installed = (await run('npm', ['ls', '--omit=dev', '--depth=0', '--json'], { cwd: dir })).stdout;
    expect(installed).not.toContain('"vitest"');
    expect(installed).not.toContain('"typescript"');

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
