/**
 * @heyyo/react's size budget (issue 15, item 4), measured on every `npm test`: the built package
 * (`dist`, as published) bundled for the browser with react-virtual but without React and the
 * SDK (an app has those anyway), minified and gzipped. Past the budget the test fails and says by how much.
 */
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { bundleForBrowser, REACT_DIST } from '../../../test/support/browser-bundle.ts';

/** min+gzip bytes an app ships for the kit. */
const BUDGET_BYTES = 30 * 1024;
const PEERS = ['react', 'react-dom', 'react/jsx-runtime', '@heyyo/sdk'];

describe('@heyyo/react bundle size', () => {
  it(`ships in at most ${BUDGET_BYTES / 1024} kB min+gzip without React and the SDK`, async () => {
    const bundle = await bundleForBrowser(REACT_DIST, { minify: true, external: PEERS });
    const bytes = gzipSync(bundle.code).length;
    console.info(`@heyyo/react min+gzip: ${(bytes / 1024).toFixed(1)} kB (react-virtual included)`);
    expect(bundle.inputs.some((input) => input.includes('node_modules/@tanstack/react-virtual/'))).toBe(true);
    expect(bundle.inputs.filter((input) => /node_modules\/(react|react-dom|socket\.io-client)\//.test(input))).toEqual([]);
    expect(bytes, `${bytes - BUDGET_BYTES} bytes over the budget`).toBeLessThanOrEqual(BUDGET_BYTES);
  });
});
