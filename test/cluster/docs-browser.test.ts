import { statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../support/chromium.ts';
import { useNodeProcess } from '../support/node-process-context.ts';
import { SEED_ENDPOINTS } from '../support/seed-endpoints.ts';

/** /docs as a person meets it: a real node (what `npm start` runs), a real Chromium, no network beyond it. */
describe('the API docs page', () => {
  const ctx = useNodeProcess('docs_browser');
  let browser: Browser | undefined;

  beforeAll(async () => {
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
  });

  it('renders in Chromium with every seed endpoint listed, loading nothing from elsewhere', async () => {
    const page = await browser!.newPage({ viewport: { width: 1280, height: 2400 } });
    const problems: string[] = [];
    const foreignRequests: string[] = [];
    const origin = new URL(ctx.url).origin;
    page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(`console: ${message.text()}`);
    });
    page.on('request', (request) => {
      if (!request.url().startsWith(origin) && !request.url().startsWith('data:')) foreignRequests.push(request.url());
    });

    await page.goto(`${ctx.url}/docs`);
    await page.waitForSelector('.opblock', { timeout: 20_000 });
    const operations = await page.$$eval('.opblock', (blocks) =>
      blocks.map((block) => [
        block.querySelector('.opblock-summary-method')?.textContent?.trim() ?? '',
        block.querySelector('.opblock-summary-path')?.getAttribute('data-path') ?? '',
      ]),
    );
    const title = await page.textContent('.info .title');
    const screenshot = join(tmpdir(), `heyyo-docs-${process.pid}.png`);
    await page.screenshot({ path: screenshot, fullPage: false });
    await page.close();

    expect(title).toContain('Heyyo REST API');
    for (const [method, path] of SEED_ENDPOINTS) {
      expect(operations, `${method} ${path} on the page`).toContainEqual([method, path]);
    }
    expect(operations.length).toBeGreaterThanOrEqual(SEED_ENDPOINTS.length);
    expect(problems).toEqual([]);
    expect(foreignRequests).toEqual([]);
    // A rendered page, not a blank one: a 1280×2400 screenshot of text and colour blocks.
    expect(statSync(screenshot).size).toBeGreaterThan(50_000);
    console.info(`screenshot of /docs: ${screenshot}`);
  });
});
