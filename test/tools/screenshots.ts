/**
 * `npm run screenshots`: the demo chat's main states, written to docs/img/ (the README and
 * libs/react/README.md show them). Runs a development node (the demo on, the memory engine) on a
 * database of its own, drives two people through the page in Debian's Chromium, and removes the
 * database afterwards.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import postgres from 'postgres';
import { launchChromium } from '../support/chromium.ts';
import { startNodeProcess, type NodeProcess } from '../support/node-process.ts';

const OUT = fileURLToPath(new URL('../../docs/img/', import.meta.url));
const ADMIN_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const database = `heyyo_screenshots_${randomBytes(3).toString('hex')}`;
const dataDir = mkdtempSync(join(tmpdir(), 'heyyo-screenshots-'));

const log = (page: Page) => page.getByRole('log', { name: 'Messages' });
const channel = (page: Page, name: string) => page.getByRole('navigation', { name: 'Channels' }).getByRole('button', { name, exact: true });

async function say(page: Page, text: string): Promise<void> {
  await page.getByRole('textbox', { name: 'Message' }).fill(text);
  await page.getByRole('textbox', { name: 'Message' }).press('Enter');
  await log(page).getByText(text, { exact: true }).waitFor();
}

async function react(page: Page, text: string, type: string): Promise<void> {
  const message = log(page).getByRole('article').filter({ hasText: text });
  await message.hover();
  await message.getByRole('button', { name: 'Add reaction' }).click();
  await message.getByRole('menuitem', { name: `React ${type}` }).click();
}

async function shoot(page: Page, name: string): Promise<void> {
  await page.mouse.move(1, 1); // No hover toolbar in the picture.
  await page.waitForTimeout(300);
  await page.screenshot({ path: join(OUT, name) });
  process.stdout.write(`wrote docs/img/${name}\n`);
}

async function main(browser: Browser, node: NodeProcess): Promise<void> {
  const open = async (name: string, theme: 'light' | 'dark' = 'light') => {
    const context = await browser.newContext({ viewport: { width: 1180, height: 720 }, colorScheme: theme, deviceScaleFactor: 1 });
    const page = await context.newPage();
    await page.goto(`${node.url}/`);
    await page.getByRole('textbox', { name: 'Display name' }).fill(name);
    return page;
  };
  const ana = await open('Ana Lima');
  await shoot(ana, 'demo-join.png');
  await ana.getByRole('button', { name: 'Join' }).click();
  const ben = await open('Ben Okafor');
  await ben.getByRole('button', { name: 'Join' }).click();
  await ben.getByRole('textbox', { name: 'Message' }).waitFor();

  await ana.getByRole('textbox', { name: 'New channel name' }).fill('random');
  await ana.getByRole('button', { name: 'Create' }).click();
  await channel(ana, 'random').and(ana.locator('[aria-current=true]')).waitFor();
  await channel(ana, 'general').click();
  await ben.getByRole('button', { name: 'Browse channels' }).click();
  await ben.getByRole('button', { name: 'Join random' }).click();
  await channel(ben, 'random').and(ben.locator('[aria-current=true]')).waitFor();
  await channel(ben, 'general').click();

  await say(ana, 'Hey Ben! Welcome to Heyyo 👋');
  await say(ben, 'Thanks! That was one `npm start` away.');
  await say(ana, 'Try a reaction, or reply in a thread.');
  await react(ben, 'Try a reaction, or reply in a thread.', ':tada:');
  await react(ana, 'Thanks! That was one `npm start` away.', ':heart:');
  const thread = log(ben).getByRole('article').filter({ hasText: 'Try a reaction' });
  await thread.hover();
  await thread.getByRole('button', { name: 'Reply in thread' }).click();
  await ben.getByRole('complementary', { name: 'Thread' }).getByRole('textbox', { name: 'Message' }).fill('Like this?');
  await ben.getByRole('complementary', { name: 'Thread' }).getByRole('textbox', { name: 'Message' }).press('Enter');
  await ben.getByRole('button', { name: 'Close thread' }).click();
  await channel(ben, 'random').click();
  await say(ben, 'Anyone up for lunch?');
  await channel(ben, 'general').click();
  await log(ana).getByText('1 reply').waitFor();
  await ben.getByRole('textbox', { name: 'Message' }).fill('Typing a long answer');
  await ana.getByRole('status').filter({ hasText: 'typing' }).waitFor();
  await shoot(ana, 'demo-chat.png');

  await ana.getByRole('combobox').selectOption('dark');
  await shoot(ana, 'demo-dark.png');
  await ana.getByRole('combobox').selectOption('light');

  await log(ana).getByText('1 reply').click();
  await ana.getByRole('complementary', { name: 'Thread' }).getByText('Like this?').waitFor();
  await shoot(ana, 'demo-thread.png');

  await ben.context().setOffline(true);
  await ben.getByText('You are offline.').waitFor();
  await shoot(ben, 'demo-offline.png');
  await ben.context().setOffline(false);
}

mkdirSync(OUT, { recursive: true });
const admin = postgres(ADMIN_URL, { max: 1, onnotice: () => {} });
let node: NodeProcess | undefined;
let browser: Browser | undefined;
try {
  node = await startNodeProcess('screenshots', {
    env: {
      NODE_ENV: 'development',
      PORT: '0',
      DATABASE_URL: `${ADMIN_URL.replace(/\/[^/]*$/, '')}/${database}`,
      HEYYO_MEMORY_ENGINE: '1',
      HEYYO_DATA_DIR: dataDir,
      LOG_LEVEL: 'info',
    },
  });
  browser = await launchChromium();
  await main(browser, node);
} finally {
  await browser?.close();
  await node?.stop();
  await admin`drop database if exists ${admin(database)} with (force)`;
  await admin.end();
  rmSync(dataDir, { recursive: true, force: true });
}
