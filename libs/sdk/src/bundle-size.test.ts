/**
 * The SDK's size budget (issue 15, item 4), measured on every `npm test`: the built package
 * (`dist`, as published) bundled for the browser with socket.io-client, minified and gzipped, as
 * an app's bundler would ship it. Past the budget the test fails and says by how much.
 */
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { bundleSdk } from '../../../test/support/browser-bundle.ts';

/** min+gzip bytes an app ships for the SDK and its socket.io-client. */
const BUDGET_BYTES = 20 * 1024;

const minGzipBytes = async (external: string[]) => gzipSync((await bundleSdk({ minify: true, external })).code).length;

describe('@heyyo/sdk bundle size', () => {
  it(`ships in at most ${BUDGET_BYTES / 1024} kB min+gzip with socket.io-client`, async () => {
    const [whole, own] = [await minGzipBytes([]), await minGzipBytes(['socket.io-client'])];
    console.info(`@heyyo/sdk min+gzip: ${(whole / 1024).toFixed(1)} kB with socket.io-client, ${(own / 1024).toFixed(1)} kB of its own`);
    expect(whole, `${whole - BUDGET_BYTES} bytes over the budget`).toBeLessThanOrEqual(BUDGET_BYTES);
    expect(own).toBeLessThan(whole);
  });

  it('ships none of @heyyo/sdk/compat/tegrabox, an entry point of its own', async () => {
    // Unminified, so the compat client's class name would be in it, from whichever file.
    const { code } = await bundleSdk({ external: ['socket.io-client'] });
    expect(code).not.toContain('ChatClient');
  });
});
