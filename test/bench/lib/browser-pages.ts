/**
 * The browser row's two pages in Chromium: the React kit (test/fixtures/react-bench-page.tsx) and
 * the plain-list baseline (test/fixtures/plain-list-page.tsx), both built with React's production
 * build, minified, as an app ships them. Every wait has a deadline; every context, browser and page
 * server is closed by the bench's cleanup if the workload does not get to it.
 */
import { fileURLToPath } from 'node:url';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchChromium } from '../../support/chromium.ts';
import type { PageServer } from '../../support/page-server.ts';
import { serveBundledPage } from '../../support/react-page.ts';
import { onCleanup } from './cleanup.ts';
import { readRss } from './processes.ts';
import { FRAME_TRACE_CATEGORIES, markPid, readFrames, summarizeFrames, type FrameStats, type FrameWindow } from './frame-trace.ts';

const fixture = (name: string) => fileURLToPath(new URL(`../../fixtures/${name}`, import.meta.url));

export type PageKind = 'kit' | 'plain';

/** How the bench drives each page: its start function, its scroller and the element holding its rows. */
export const PAGES: Record<PageKind, { entry: string; start: string; scroller: string; rows: string }> = {
  kit: { entry: fixture('react-bench-page.tsx'), start: 'startChat', scroller: '.heyyo-scroll', rows: '[role="log"][aria-label="Messages"]' },
  plain: { entry: fixture('plain-list-page.tsx'), start: 'startPlainList', scroller: '.plain-scroll', rows: '[role="log"][aria-label="Messages"]' },
};

/** What `scrollSegment` in test/fixtures/bench-probe.tsx answers. */
interface SegmentOutcome {
  reachedEnd: boolean;
  animationFrames: number;
  durationMs: number;
  distancePx: number;
  maxRows: number;
}

/** A whole scroll, top and back. */
export interface ScrollOutcome {
  animationFrames: number;
  durationMs: number;
  distancePx: number;
  maxRows: number;
}

/**
 * The longest stretch of scrolling one trace holds. Chromium stopped recording at ~3.8 million
 * events (~820 MB of JSON) in this bench's runs, and the plain list scrolled with the frame-rate
 * limit off draws ~1,000 frames/s at ~35 events each: 105 s of that did not fit. 10 s stays far
 * below, and keeps each trace small to read.
 */
const SEGMENT_MS = 10_000;

/** `work`, or an error after `ms`: a page that hangs must not hang the bench. */
export async function withDeadline<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: no answer in ${Math.round(ms / 1000)} s`)), ms);
  });
  try {
    return await Promise.race([work, expired]);
  } finally {
    clearTimeout(timer);
  }
}

/** Serves both pages; closed by `close()` or the bench's cleanup. */
export async function servePages(): Promise<Record<PageKind, PageServer> & { close(): Promise<void> }> {
  const kit = await serveBundledPage(PAGES.kit.entry, { mode: 'production', minify: true });
  const closeKit = onCleanup('kit page server', () => kit.close());
  const plain = await serveBundledPage(PAGES.plain.entry, { mode: 'production', minify: true });
  const closePlain = onCleanup('plain page server', () => plain.close());
  return {
    kit,
    plain,
    async close() {
      await closeKit();
      await closePlain();
    },
  };
}

/** A headless Chromium, closed by `close()` or the bench's cleanup. */
export async function startBrowser(args: string[] = []): Promise<{ browser: Browser; close(): Promise<void> }> {
  const browser = await launchChromium({ args });
  const close = onCleanup('chromium', () => browser.close());
  return { browser, close };
}

export interface OpenPage {
  context: BrowserContext;
  page: Page;
  /** startChat / startPlainList → the newest message visible. */
  renderMs: number;
  /** Page errors and console errors so far. */
  problems: string[];
  close(): Promise<void>;
}

/** Calls `benchProbe.<method>(args)` in the page (a string: the bench's TypeScript is not the page's). */
export function probe<T>(page: Page, method: string, args: Record<string, unknown>, timeoutMs: number): Promise<T> {
  return withDeadline(page.evaluate(`benchProbe.${method}(${JSON.stringify({ ...args, timeoutMs })})`) as Promise<T>, timeoutMs + 5000, method);
}

/**
 * A new browser context (its own storage, as a new visitor) on `origin`, started for `token`,
 * resolving once the message with seq `newestSeq` is visible.
 */
export async function openPage(
  browser: Browser,
  kind: PageKind,
  origin: string,
  start: Record<string, unknown>,
  newestSeq: number,
  timeoutMs = 30_000,
): Promise<OpenPage> {
  const spec = PAGES[kind];
  const context = await browser.newContext({ viewport: { width: 1100, height: 700 } });
  const close = onCleanup(`${kind} browser context`, () => context.close());
  try {
    const page = await context.newPage();
    page.setDefaultTimeout(timeoutMs);
    const problems: string[] = [];
    page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(`console: ${message.text()}`);
    });
    await page.goto(`${origin}/`, { timeout: timeoutMs });
    await page.waitForFunction(`typeof benchProbe === 'object' && typeof ${spec.start} === 'function'`, undefined, { timeout: timeoutMs });
    const renderMs = await probe<number>(
      page,
      'timeToVisible',
      { start: spec.start, options: start, selector: `${spec.rows} [data-seq="${newestSeq}"]`, scroller: spec.scroller },
      timeoutMs,
    );
    return { context, page, renderMs, problems, close };
  } catch (error) {
    await close();
    throw error;
  }
}

/** Rows (children of the log) in the DOM now. */
export function domRows(page: Page, kind: PageKind): Promise<number> {
  return withDeadline(page.evaluate(`document.querySelector(${JSON.stringify(PAGES[kind].rows)}).childElementCount`) as Promise<number>, 10_000, 'rows');
}

export interface PageMetrics {
  /** V8 heap in use after a full GC. */
  jsHeapUsedBytes: number;
  /** DOM nodes in the page. */
  domNodes: number;
  /** VmRSS of the page's renderer process: the V8 heap, and also the DOM, styles and layout, which it does not hold. */
  rendererRssBytes: number;
}

/**
 * The process id of the page's renderer: the one that records a `console.timeStamp` of the page
 * in a short trace (no CDP call names it).
 */
async function rendererPid(browser: Browser, page: Page): Promise<number> {
  const message = 'heyyo-bench-renderer';
  await browser.startTracing(page, { categories: ['devtools.timeline'] });
  let trace: Buffer;
  try {
    await withDeadline(page.evaluate(`console.timeStamp(${JSON.stringify(message)})`), 10_000, 'timeStamp');
  } finally {
    trace = await withDeadline(browser.stopTracing(), 60_000, 'stopTracing');
  }
  return markPid(trace, message);
}

/** After a forced garbage collection: CDP `Performance.getMetrics`, and the renderer's RSS. */
export async function pageMetrics(browser: Browser, page: Page): Promise<PageMetrics> {
  const pid = await rendererPid(browser, page);
  const cdp = await page.context().newCDPSession(page);
  try {
    await withDeadline(cdp.send('HeapProfiler.collectGarbage'), 30_000, 'collectGarbage');
    await cdp.send('Performance.enable');
    const { metrics } = await withDeadline(cdp.send('Performance.getMetrics'), 10_000, 'getMetrics');
    const value = (name: string) => metrics.find((metric) => metric.name === name)?.value ?? NaN;
    return { jsHeapUsedBytes: value('JSHeapUsedSize'), domNodes: value('Nodes'), rendererRssBytes: readRss(pid) };
  } finally {
    await cdp.detach().catch(() => {});
  }
}

/**
 * Scrolls the page's list from the bottom to the top and back at `pxPerSecond` under Chromium
 * traces, one per segment of at most SEGMENT_MS (the scroll pauses between segments while a trace
 * is collected and started again; the pauses are outside every measured window).
 */
export async function tracedScroll(
  browser: Browser,
  page: Page,
  kind: PageKind,
  pxPerSecond: number,
  timeoutMs: number,
): Promise<{ scroll: ScrollOutcome; frames: FrameStats; traceBytes: number }> {
  const spec = PAGES[kind];
  const deadline = Date.now() + timeoutMs;
  const windows: FrameWindow[] = [];
  const scroll: ScrollOutcome = { animationFrames: 0, durationMs: 0, distancePx: 0, maxRows: 0 };
  let traceBytes = 0;
  for (const direction of ['up', 'down'] as const) {
    for (let reachedEnd = false; !reachedEnd; ) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`the ${kind} page did not scroll top and back in ${Math.round(timeoutMs / 1000)} s`);
      const marks = { start: `heyyo-bench-scroll-${windows.length}-start`, end: `heyyo-bench-scroll-${windows.length}-end` };
      await browser.startTracing(page, { categories: FRAME_TRACE_CATEGORIES });
      let segment: SegmentOutcome;
      let trace: Buffer;
      try {
        segment = await probe<SegmentOutcome>(page, 'scrollSegment', { scroller: spec.scroller, rows: spec.rows, direction, pxPerSecond, maxMs: SEGMENT_MS, marks }, left);
      } finally {
        trace = await withDeadline(browser.stopTracing(), 120_000, 'stopTracing');
      }
      windows.push(readFrames(trace, marks));
      traceBytes += trace.length;
      reachedEnd = segment.reachedEnd;
      scroll.animationFrames += segment.animationFrames;
      scroll.durationMs += segment.durationMs;
      scroll.distancePx += segment.distancePx;
      scroll.maxRows = Math.max(scroll.maxRows, segment.maxRows);
    }
  }
  return { scroll, frames: summarizeFrames(windows), traceBytes };
}
