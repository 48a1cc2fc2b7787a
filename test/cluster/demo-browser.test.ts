import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import { launchChromium } from '../support/chromium.ts';
import { useNodeProcess } from '../support/node-process-context.ts';

/**
 * The demo page at `/` as a newcomer meets it after `npm start`: the node (every role) serves the
 * page it built with Vite, two people pick names in two browser contexts and chat in #general.
 */
describe('the demo chat at /', () => {
  const ctx = useNodeProcess('demo_browser', { HEYYO_DEMO: '1' });
  let browser: Browser;
  const contexts: BrowserContext[] = [];
  const problems: string[] = [];

  beforeAll(async () => {
    browser = await launchChromium();
  });

  afterAll(async () => {
    await Promise.all(contexts.map((context) => context.close()));
    await browser?.close();
  });

  async function join(name: string): Promise<Page> {
    const context = await browser.newContext({ viewport: { width: 1100, height: 700 } });
    contexts.push(context);
    const page = await context.newPage();
    page.on('pageerror', (error) => problems.push(`${name}: page error: ${error.message}`));
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(`${name}: console: ${message.text()}`);
    });
    await page.goto(`${ctx.url}/`);
    await page.getByRole('textbox', { name: 'Display name' }).fill(name);
    await page.getByRole('button', { name: 'Join' }).click();
    return page;
  }

  it('lets two people chat in #general, which opens first', async () => {
    onTestFailed(() => console.error(problems.join('\n')));
    const ana = await join('Ana');
    const ben = await join('Ben');
    for (const page of [ana, ben]) {
      const general = page.getByRole('navigation', { name: 'Channels' }).getByRole('button', { name: 'general', exact: true });
      await expect.poll(() => general.getAttribute('aria-current')).toBe('true');
    }
    const log = (page: Page) => page.getByRole('log', { name: 'Messages' });
    await ana.getByRole('textbox', { name: 'Message' }).fill('Hi, I am Ana');
    await ana.getByRole('button', { name: 'Send' }).click();
    await log(ben).getByText('Hi, I am Ana').waitFor();
    await ben.getByRole('textbox', { name: 'Message' }).fill('Hello Ana, Ben here');
    await ben.getByRole('textbox', { name: 'Message' }).press('Enter');
    await log(ana).getByText('Hello Ana, Ben here').waitFor();
    // Names show as chosen.
    await log(ana).getByText('Ben', { exact: true }).waitFor();
    // A reload keeps the tab's session: the same user, the same channel.
    await ben.reload();
    await log(ben).getByText('Hello Ana, Ben here').waitFor();
    expect(problems).toEqual([]);
  });
});
