import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import { launchChromium } from '../support/chromium.ts';
import { useNodeProcess } from '../support/node-process-context.ts';
import type { PageServer } from '../support/page-server.ts';
import { openChat, serveReactPage, type ChatPage } from '../support/react-page.ts';

/**
 * Seed 001's React snippet (`<HeyyoProvider apiUrl token>` around `<ChannelList />` and
 * `<ChatView />`), as written, in a real Chromium against one node with every role (`npm start`):
 * two users chat through it — on React 19 and on React 18, the oldest peer the kit supports.
 */
describe.each([19, 18] as const)("seed 001's React snippet on React %i", (react) => {
  const ctx = useNodeProcess(`react_seed_${react}`);
  let server: PageServer;
  let browser: Browser;
  const pages: ChatPage[] = [];

  beforeAll(async () => {
    server = await serveReactPage(react);
    browser = await launchChromium();
  });

  afterAll(async () => {
    await Promise.all(pages.map((page) => page.close()));
    await browser?.close();
    await server?.close();
  });

  it('renders a working chat: the channel list, history, and messages both ways', async () => {
    const app = await ctx.newApp('React seed');
    const ana = await ctx.newUser(app, { display_name: 'Ana' });
    const ben = await ctx.newUser(app, { display_name: 'Ben' });
    const channel = await ctx.newChannel(ana, { name: 'seed-room', members: [ben.id] });
    await ctx.send(ana, channel.id, { text: 'sent before anyone looked' });

    const [anaPage, benPage] = [
      await openChat(browser, server.origin, { apiUrl: ctx.url, token: ana.token }),
      await openChat(browser, server.origin, { apiUrl: ctx.url, token: ben.token }),
    ];
    pages.push(anaPage, benPage);
    onTestFailed(() => console.error(`page problems:\n${[...anaPage.problems, ...benPage.problems].join('\n')}`));

    for (const { page } of [anaPage, benPage]) {
      // The channel list shows the channel; the first channel opens by itself, with its history.
      await page.getByRole('button', { name: 'seed-room', exact: true }).waitFor();
      await page.getByRole('log', { name: 'Messages' }).getByText('sent before anyone looked').waitFor();
    }

    await anaPage.page.getByRole('textbox', { name: 'Message' }).fill('Hi Ben, from the React kit');
    await anaPage.page.getByRole('textbox', { name: 'Message' }).press('Enter');
    await benPage.page.getByRole('log', { name: 'Messages' }).getByText('Hi Ben, from the React kit').waitFor();

    await benPage.page.getByRole('textbox', { name: 'Message' }).fill('Hi Ana');
    await benPage.page.getByRole('button', { name: 'Send' }).click();
    await anaPage.page.getByRole('log', { name: 'Messages' }).getByText('Hi Ana').waitFor();

    // Once each, in order, on both sides.
    for (const { page } of [anaPage, benPage]) {
      await expect
        .poll(() => page.getByRole('log', { name: 'Messages' }).locator('.heyyo-text').allTextContents())
        .toEqual(['sent before anyone looked', 'Hi Ben, from the React kit', 'Hi Ana']);
    }
    expect([...anaPage.problems, ...benPage.problems]).toEqual([]);
  });
});
