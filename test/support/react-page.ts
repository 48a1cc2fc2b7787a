/** The React browser tests' page (test/fixtures/react-chat-page.tsx) built from the published packages, served, and opened. */
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { bundleForBrowser, type BundleOptions } from './browser-bundle.ts';
import { servePage, type PageServer } from './page-server.ts';

const PAGE_ENTRY = fileURLToPath(new URL('../fixtures/react-chat-page.tsx', import.meta.url));
/** React 18, the oldest peer @heyyo/react supports, installed by the test/react18 workspace. */
const REACT_18 = fileURLToPath(new URL('../react18/node_modules/', import.meta.url));
const HTML = '<!doctype html><meta charset="utf-8"><title>Heyyo React kit</title><body style="margin:0"><div id="root"></div><script type="module" src="/app.js"></script>';

/** The page with React 19 (the root's), or with React 18 in its place everywhere (the kit, react-virtual, the page). */
export async function serveReactPage(react: 18 | 19 = 19): Promise<PageServer> {
  const alias: Record<string, string> = react === 18 ? { react: `${REACT_18}react`, 'react-dom': `${REACT_18}react-dom` } : {};
  // React's development build: a misuse (duplicate keys, hook order) is a console error, and fails the tests.
  const { code } = await bundleForBrowser(PAGE_ENTRY, { mode: 'development', alias });
  // One React in the page, the one asked for (React's builds carry their version string).
  const versions = ['18.3.1', '19.3.1'].filter((version) => code.includes(`"${version}"`));
  if (versions.length !== 1 || !versions[0]!.startsWith(String(react))) throw new Error(`the page has React ${versions.join(' and ')}, not ${react}`);
  return serveCode(code);
}

/** Any page entry (a `.tsx` that renders into `#root`) bundled with `options` and served on an origin of its own. */
export async function serveBundledPage(entry: string, options: BundleOptions): Promise<PageServer> {
  return serveCode((await bundleForBrowser(entry, options)).code);
}

function serveCode(code: string): Promise<PageServer> {
  return servePage({ '/': { type: 'html', body: HTML }, '/app.js': { type: 'js', body: code } });
}

export interface ChatPage {
  page: Page;
  /** Page errors and console errors so far. */
  problems: string[];
  close(): Promise<void>;
}

/** A new browser context (its own storage: another user) showing the chat of `token`. */
export async function openChat(
  browser: Browser,
  origin: string,
  options: { apiUrl: string; token: string; socketUrls?: string[] },
): Promise<ChatPage> {
  const context = await browser.newContext({ viewport: { width: 1100, height: 700 } });
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`console: ${message.text()}`);
  });
  await page.goto(`${origin}/`);
  await page.waitForFunction('typeof globalThis.startChat === "function"');
  await page.evaluate(`startChat(${JSON.stringify(options)})`);
  return { page, problems, close: () => context.close() };
}
