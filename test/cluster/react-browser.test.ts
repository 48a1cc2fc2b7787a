import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import { launchChromium } from '../support/chromium.ts';
import { useCluster } from '../support/cluster-context.ts';
import type { PageServer } from '../support/page-server.ts';
import { openChat, serveReactPage, type ChatPage } from '../support/react-page.ts';

const log = (page: Page) => page.getByRole('log', { name: 'Messages' });
const texts = (page: Page) => log(page).locator('.heyyo-text').allTextContents();
const composer = (page: Page) => page.getByRole('textbox', { name: 'Message' });
const channelButton = (page: Page, name: string) => page.getByRole('navigation', { name: 'Channels' }).getByRole('button', { name, exact: true });
const messageNamed = (page: Page, text: string) => log(page).getByRole('article').filter({ hasText: text });

async function say(page: Page, text: string): Promise<void> {
  await composer(page).fill(text);
  await composer(page).press('Enter');
  await log(page).getByText(text, { exact: true }).waitFor();
}

/**
 * @heyyo/react in a real Chromium on a cluster (an API node, two gateways, a worker): two
 * browser contexts as two users, each socket on its own gateway, through every part of the kit.
 */
describe('@heyyo/react in the browser, on a cluster', () => {
  // The history is written up front, faster than a user's write budget allows.
  const ctx = useCluster({ apiNodes: 1, gatewayNodes: 2, workerNodes: 1, env: { HEYYO_USER_WRITES_PER_WINDOW: '1000' } });
  let server: PageServer;
  let browser: Browser;
  let ana: ChatPage;
  let ben: ChatPage;
  let benUser: Awaited<ReturnType<typeof ctx.newUser>>;
  let anaUser: Awaited<ReturnType<typeof ctx.newUser>>;
  const history: string[] = Array.from({ length: 120 }, (_, index) => `history ${index + 1}`);

  beforeAll(async () => {
    const app = await ctx.newApp('React cluster');
    anaUser = await ctx.newUser(app, { display_name: 'Ana' });
    benUser = await ctx.newUser(app, { display_name: 'Ben' });
    // A long channel, for paging back.
    const long = await ctx.newChannel(anaUser, { name: 'history-room', members: [benUser.id] });
    for (const text of history) await ctx.send(anaUser, long.id, { text });
    server = await serveReactPage();
    browser = await launchChromium();
    const [gateway0, gateway1] = ctx.cluster.gateways.map((gateway) => gateway.url);
    const apiUrl = ctx.cluster.api[0]!.url;
    // Ana's socket starts on gateway 0, Ben's on gateway 1; a reconnect moves to the other.
    ana = await openChat(browser, server.origin, { apiUrl, token: anaUser.token, socketUrls: [gateway0!, gateway1!] });
    ben = await openChat(browser, server.origin, { apiUrl, token: benUser.token, socketUrls: [gateway1!, gateway0!] });
  }, 120_000);

  afterAll(async () => {
    await ana?.close();
    await ben?.close();
    await browser?.close();
    await server?.close();
  });

  it('pages back through history when scrolling up', async () => {
    onTestFailed(() => console.error(`page problems:\n${[...ana.problems, ...ben.problems].join('\n')}`));
    // The only channel opens by itself at its newest messages; the oldest are not loaded yet.
    await log(ben.page).getByText('history 120', { exact: true }).waitFor();
    expect(await texts(ben.page)).not.toContain('history 1');
    const scroller = ben.page.locator('.heyyo-scroll');
    await expect
      .poll(
        async () => {
          await scroller.evaluate((element) => (element.scrollTop = 0));
          return log(ben.page).getByText('history 1', { exact: true }).count();
        },
        { timeout: 15_000, interval: 300 },
      )
      .toBe(1);
    // At the top, the rendered messages are the first ones, in order, each once.
    const seqs = (await log(ben.page).locator('[data-seq]').evaluateAll((rows) => rows.map((row) => Number(row.getAttribute('data-seq')))));
    expect(seqs[0]).toBe(1);
    expect(seqs).toEqual(seqs.map((_, index) => index + 1));
  });

  it('creates a channel, joins it, and chats both ways', async () => {
    await ana.page.getByRole('textbox', { name: 'New channel name' }).fill('kit-room');
    await ana.page.getByRole('button', { name: 'Create' }).click();
    await expect.poll(() => channelButton(ana.page, 'kit-room').getAttribute('aria-current')).toBe('true');

    await ben.page.getByRole('button', { name: 'Browse channels' }).click();
    await ben.page.getByRole('button', { name: 'Join kit-room' }).click();
    await channelButton(ben.page, 'kit-room').click();
    await expect.poll(() => channelButton(ben.page, 'kit-room').getAttribute('aria-current')).toBe('true');

    await say(ana.page, 'Hello Ben');
    await log(ben.page).getByText('Hello Ben', { exact: true }).waitFor();
    await say(ben.page, 'Hello Ana');
    await log(ana.page).getByText('Hello Ana', { exact: true }).waitFor();
    for (const page of [ana.page, ben.page]) await expect.poll(() => texts(page)).toEqual(['Hello Ben', 'Hello Ana']);
  });

  it('shows who is typing, and clears it when they stop', async () => {
    const typing = ana.page.getByRole('status').filter({ hasText: 'typing' });
    await composer(ben.page).fill('I am writing someth');
    await expect.poll(() => typing.textContent()).toBe('Ben is typing…');
    // Leaving the box sends typing.stop: it clears well before the 6 s fallback.
    await composer(ben.page).blur();
    await expect.poll(() => typing.count(), { timeout: 4000 }).toBe(0);
    await composer(ben.page).fill('');
  });

  it("shows the other user's reaction, edit and delete", async () => {
    const target = messageNamed(ben.page, 'Hello Ben');
    await target.hover();
    await target.getByRole('button', { name: 'Add reaction' }).click();
    await target.getByRole('menuitem', { name: 'React :thumbsup:' }).click();
    await messageNamed(ana.page, 'Hello Ben').getByRole('button', { name: ':thumbsup: 1' }).waitFor();

    // ↑ in the empty composer edits Ana's last message.
    await composer(ana.page).press('ArrowUp');
    await expect.poll(() => composer(ana.page).inputValue()).toBe('Hello Ben');
    await composer(ana.page).fill('Hello Ben (fixed)');
    await composer(ana.page).press('Enter');
    const edited = messageNamed(ben.page, 'Hello Ben (fixed)');
    await edited.getByText('(edited)').waitFor();
    // The reaction survives the edit.
    await edited.getByRole('button', { name: ':thumbsup: 1' }).waitFor();

    const mine = messageNamed(ana.page, 'Hello Ben (fixed)');
    await mine.hover();
    await mine.getByRole('button', { name: 'Delete' }).click();
    await expect.poll(() => texts(ben.page)).toEqual(['Message deleted', 'Hello Ana']);
  });

  it('counts unread messages on a channel not in view, and clears them when opened', async () => {
    await ben.page.getByRole('textbox', { name: 'New channel name' }).fill('side-room');
    await ben.page.getByRole('button', { name: 'Create' }).click();
    await expect.poll(() => channelButton(ben.page, 'side-room').getAttribute('aria-current')).toBe('true');

    await say(ana.page, 'unread one');
    await say(ana.page, 'unread two');
    const badge = channelButton(ben.page, 'kit-room').getByLabel('2 unread');
    await badge.waitFor();

    await channelButton(ben.page, 'kit-room').click();
    await log(ben.page).getByRole('separator', { name: 'New messages' }).waitFor();
    await expect.poll(() => channelButton(ben.page, 'kit-room').locator('.heyyo-badge').count()).toBe(0);
  });

  it("delivers every message sent while the user's gateway was down once, in order", async () => {
    const banner = ben.page.locator('.heyyo-banner');
    const kitRoom = await channelButton(ben.page, 'kit-room').getAttribute('data-channel-id');
    const before = await texts(ben.page);
    await ctx.cluster.gateways[1]!.stop('SIGKILL');
    await expect.poll(() => banner.textContent()).toBe('Reconnecting…');

    const missed = ['while down 1', 'while down 2', 'while down 3', 'while down 4', 'while down 5'];
    for (const text of missed) await ctx.send(anaUser, kitRoom!, { text });

    // Ben's client moves to gateway 0, catches up, and says so.
    await expect.poll(() => banner.textContent(), { timeout: 20_000 }).toBe('Caught up');
    await expect.poll(() => texts(ben.page), { timeout: 10_000 }).toEqual([...before, ...missed]);
    expect([...ana.problems, ...ben.problems].filter((problem) => !problem.includes('WebSocket'))).toEqual([]);
  });
});
