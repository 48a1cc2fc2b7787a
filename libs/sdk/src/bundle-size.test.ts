/**
 * The SDK's size budget (issue 15, item 4), measured on every `npm test`: the built package
 * (`dist`, as published) bundled for the browser with socket.io-client, minified and gzipped, as
 * an app's bundler would ship it. Past the budget the test fails and says by how much.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';

const SDK_DIST = fileURLToPath(new URL('../dist/index.js', import.meta.url));
/** min+gzip bytes an app ships for the SDK and its socket.io-client. */
const BUDGET_BYTES = 20 * 1024;

async function minGzipBytes(external: string[]): Promise<number> {
  const result = await build({
    entryPoints: [SDK_DIST],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    minify: true,
    write: false,
    external,
    logLevel: 'silent',
  });
  return gzipSync(result.outputFiles[0]!.contents).length;
}

describe('@heyyo/sdk bundle size', () => {
  it(`ships in at most ${BUDGET_BYTES / 1024} kB min+gzip with socket.io-client`, async () => {
    if (!existsSync(SDK_DIST)) throw new Error(`${SDK_DIST} is missing: run \`npm run build\` first`);
    const [whole, own] = [await minGzipBytes([]), await minGzipBytes(['socket.io-client'])];
    console.info(`@heyyo/sdk min+gzip: ${(whole / 1024).toFixed(1)} kB with socket.io-client, ${(own / 1024).toFixed(1)} kB of its own`);
    expect(whole, `${whole - BUDGET_BYTES} bytes over the budget`).toBeLessThanOrEqual(BUDGET_BYTES);
    expect(own).toBeLessThan(whole);
  });
});
