/**
 * Browser (issue 15, item 4): the React kit in headless Chromium, on a fresh Heyyo (1 API node,
 * 1 gateway), against a plain non-virtualized React list of the same messages in the same run.
 *
 * For each history size N (a channel of its own, written through REST, several authors, spread
 * over weeks so that author groups and day separators occur):
 * - time to render: from the page's start call to the newest message visible in the log (the kit
 *   loads the newest 50 first), p50 of `renderRuns` opens, each in a fresh browser context;
 * - the whole history loaded (the kit: scrolled to the top until message 1 is rendered; the plain
 *   list: fetched and rendered at once), then a scroll from the bottom to the top and back at a
 *   steady speed under a Chromium trace: frames shown per second, long frames, main-thread busy;
 * - DOM rows in the log and the JS heap after a forced GC.
 */
import { startHeyyo } from '../lib/environment.ts';
import { domRows, openPage, pageMetrics, probe, servePages, startBrowser, tracedScroll, withDeadline, type OpenPage, type PageKind } from '../lib/browser-pages.ts';
import { planHistory, planTimestamps, seedChannels } from '../lib/chat-history.ts';
import type { FrameStats } from '../lib/frame-trace.ts';
import type { Row } from '../lib/report.ts';
import { createChannel, createUsers, type BenchUser } from '../lib/rest.ts';
import { round, summarize } from '../lib/stats.ts';

export interface BrowserOptions {
  /** History sizes, each measured in a channel of its own. */
  sizes: number[];
  /** Measured opens per page and size, after one unmeasured warm-up open of each. */
  renderRuns: number;
  /** Scroll speed, the same for every size and both pages. */
  scrollPxPerSecond: number;
  /**
   * Also scroll with Chromium's frame-rate limit off (`--disable-frame-rate-limit
   * --disable-gpu-vsync`): frames are then drawn as fast as the page allows, not at 60 Hz.
   * @defaultValue false
   */
  unlimitedFrameRate?: boolean;
}

/** Authors besides each channel's viewer (who writes too). */
const OTHER_AUTHORS = 3;
const UNLIMITED_ARGS = ['--disable-frame-rate-limit', '--disable-gpu-vsync'];

export interface ScrollFigures {
  /** Whole history into the page: the kit by scrolling up page by page; the plain list in one go. */
  loadAllMs: number;
  /** The plain list only: React's render of every row at once. */
  renderAllMs?: number;
  rowsBefore: number;
  maxRowsWhileScrolling: number;
  jsHeapMiB: number;
  /** The page's renderer process, whole history loaded, after GC (VmRSS): V8 heap, DOM, layout, and what every page has. */
  rendererRssMiB: number;
  domNodes: number;
  distancePx: number;
  scrollMs: number;
  animationFrames: number;
  frames: FrameStats;
  unlimited?: FrameStats;
  traceMiB: number;
  problems: string[];
}

export interface SizeResult {
  messages: number;
  render: Record<PageKind, ReturnType<typeof summarize>>;
  renderSamples: Record<PageKind, number[]>;
  scroll: Record<PageKind, ScrollFigures>;
  /** Page errors and console errors of the opens that measured the time to render. */
  renderProblems: string[];
}

const mib = (bytes: number) => round(bytes / 2 ** 20, 1);

export async function runBrowser(options: BrowserOptions, log: (line: string) => void): Promise<{ result: SizeResult[]; rows: Row[] }> {
  const heyyo = await startHeyyo({ label: 'browser', apiNodes: 1, gatewayNodes: 1, workerNodes: 0 });
  try {
    const users = await createUsers(heyyo.apiUrl, options.sizes.length + OTHER_AUTHORS);
    const others = users.slice(options.sizes.length);
    const channels = await Promise.all(
      options.sizes.map(async (size, index) => {
        const viewer = users[index]!;
        const authors: BenchUser[] = [viewer, ...others];
        const id = await createChannel(heyyo.apiUrl, authors);
        return { id, size, viewer, authors, planned: planHistory(size, authors.length, 15 + index), stamps: planTimestamps(size, 4 + index) };
      }),
    );
    const seedStarted = Date.now();
    await seedChannels(heyyo.apiUrl, heyyo.database.url, channels);
    const days = channels.map((channel) => Math.round((channel.stamps.at(-1)!.getTime() - channel.stamps[0]!.getTime()) / 86_400_000));
    log(`browser: wrote ${options.sizes.join(' + ')} messages through REST in ${((Date.now() - seedStarted) / 1000).toFixed(1)} s, spread over ${days.join(' / ')} days`);

    const pages = await servePages();
    const capped = await startBrowser();
    const unlimited = options.unlimitedFrameRate ? await startBrowser(UNLIMITED_ARGS) : undefined;
    try {
      const result: SizeResult[] = [];
      for (const channel of channels) {
        const start = (kind: PageKind) =>
          kind === 'kit'
            ? { apiUrl: heyyo.apiUrl, token: channel.viewer.token, socketUrls: heyyo.gatewayUrls }
            : { apiUrl: heyyo.apiUrl, token: channel.viewer.token };
        const open = (browser: typeof capped.browser, kind: PageKind) => openPage(browser, kind, pages[kind].origin, start(kind), channel.size);

        // Opens alternate between the pages, so that noise from the machine falls on both.
        const samples: Record<PageKind, number[]> = { kit: [], plain: [] };
        const renderProblems: string[] = [];
        for (let run = 0; run <= options.renderRuns; run++) {
          for (const kind of ['kit', 'plain'] as const) {
            const opened = await open(capped.browser, kind);
            await opened.close();
            renderProblems.push(...opened.problems.map((problem) => `${kind}: ${problem}`));
            // The first open of each warms the node (history page cache, prepared statements) and marks the channel read.
            if (run > 0) samples[kind].push(round(opened.renderMs));
          }
        }
        log(
          `browser ${channel.size}: time to render (ms) kit ${samples.kit.join(' ')}; plain ${samples.plain.join(' ')}` +
            (renderProblems.length ? `; page problems: ${renderProblems.slice(0, 3).join(' | ')}` : ''),
        );

        const scroll = {} as Record<PageKind, ScrollFigures>;
        for (const kind of ['kit', 'plain'] as const) {
          scroll[kind] = await measureScroll(capped.browser, unlimited?.browser, kind, channel.size, options.scrollPxPerSecond, (browser) => open(browser, kind));
          const s = scroll[kind];
          log(
            `browser ${channel.size} ${kind}: history in ${Math.round(s.loadAllMs)} ms, ${s.rowsBefore} rows, max ${s.maxRowsWhileScrolling} while scrolling, ` +
              `heap ${s.jsHeapMiB} MiB, renderer ${s.rendererRssMiB} MiB, ${s.domNodes} nodes; scroll ${s.distancePx} px in ${Math.round(s.scrollMs)} ms, ${s.animationFrames} rAF: ${JSON.stringify(s.frames)}` +
              (s.unlimited ? `; frame rate unlimited: ${JSON.stringify(s.unlimited)}` : '') +
              (s.problems.length ? `; page problems: ${s.problems.slice(0, 3).join(' | ')}` : ''),
          );
        }
        result.push({ messages: channel.size, render: { kit: summarize(samples.kit), plain: summarize(samples.plain) }, renderSamples: samples, scroll, renderProblems });
      }
      return { result, rows: result.flatMap((size) => rowsOf(size, options)) };
    } finally {
      await unlimited?.close();
      await capped.close();
      await pages.close();
    }
  } finally {
    await heyyo.stop();
  }
}

/** Opens `kind`, loads the whole history, measures it at rest, then scrolls it under a trace (and again with the frame rate unlimited). */
async function measureScroll(
  browser: Parameters<typeof tracedScroll>[0],
  unlimitedBrowser: Parameters<typeof tracedScroll>[0] | undefined,
  kind: PageKind,
  size: number,
  pxPerSecond: number,
  open: (browser: Parameters<typeof tracedScroll>[0]) => Promise<OpenPage>,
): Promise<ScrollFigures> {
  // Generous: ~60 px a message, up and down, at the set speed, and 60 s to spare.
  const scrollTimeoutMs = Math.round(((2 * size * 60) / pxPerSecond) * 1000 * 2) + 60_000;
  const loadTimeoutMs = 60_000 + size * 30;
  const loadAll = async (opened: OpenPage) => {
    let renderAllMs: number | undefined;
    const began = Date.now();
    if (kind === 'kit') {
      await probe(opened.page, 'loadWholeHistory', { scroller: '.heyyo-scroll', oldest: '[role="log"][aria-label="Messages"] [data-seq="1"]' }, loadTimeoutMs);
    } else {
      renderAllMs = await withDeadline(opened.page.evaluate('loadAllPlain()') as Promise<number>, loadTimeoutMs, 'loadAllPlain');
    }
    const loadAllMs = Date.now() - began;
    await probe(opened.page, 'settleAtBottom', { scroller: kind === 'kit' ? '.heyyo-scroll' : '.plain-scroll' }, 30_000);
    return { loadAllMs, renderAllMs };
  };

  const opened = await open(browser);
  let figures: Omit<ScrollFigures, 'unlimited'>;
  try {
    const { loadAllMs, renderAllMs } = await loadAll(opened);
    const rowsBefore = await domRows(opened.page, kind);
    const metrics = await pageMetrics(browser, opened.page);
    const traced = await tracedScroll(browser, opened.page, kind, pxPerSecond, scrollTimeoutMs);
    figures = {
      loadAllMs,
      ...(renderAllMs === undefined ? {} : { renderAllMs: round(renderAllMs) }),
      rowsBefore,
      maxRowsWhileScrolling: traced.scroll.maxRows,
      jsHeapMiB: mib(metrics.jsHeapUsedBytes),
      rendererRssMiB: mib(metrics.rendererRssBytes),
      domNodes: metrics.domNodes,
      distancePx: Math.round(traced.scroll.distancePx),
      scrollMs: traced.scroll.durationMs,
      animationFrames: traced.scroll.animationFrames,
      frames: traced.frames,
      traceMiB: mib(traced.traceBytes),
      problems: opened.problems,
    };
  } finally {
    await opened.close();
  }
  if (!unlimitedBrowser) return figures;
  const again = await open(unlimitedBrowser);
  try {
    await loadAll(again);
    const traced = await tracedScroll(unlimitedBrowser, again.page, kind, pxPerSecond, scrollTimeoutMs);
    return { ...figures, unlimited: traced.frames, problems: [...figures.problems, ...again.problems] };
  } finally {
    await again.close();
  }
}

function rowsOf(size: SizeResult, options: BrowserOptions): Row[] {
  const { kit, plain } = size.scroll;
  const W = `Browser: @heyyo/react in Chromium, ${size.messages.toLocaleString('en-US')} messages`;
  const B = 'plain React list';
  const B_ALL = `plain React list, all ${size.messages.toLocaleString('en-US')} rows`;
  const speed = `${options.scrollPxPerSecond.toLocaleString('en-US')} px/s`;
  const frameNote = (f: FrameStats) =>
    `${f.frames} frames in ${Math.round(f.windowMs)} ms, gaps p95 ${f.frameGapP95Ms} / p99 ${f.frameGapP99Ms} / max ${f.longestFrameMs} ms, ${f.droppedFrames} dropped`;
  const rows: Row[] = [
    {
      workload: W,
      metric: 'time to render: start → newest message visible, p50',
      unit: 'ms',
      ours: size.render.kit.p50,
      baseline: size.render.plain.p50,
      baselineName: `${B}, newest 50`,
      note: `${size.render.kit.count} opens each, fresh context; kit ${size.renderSamples.kit.join(', ')}; plain ${size.renderSamples.plain.join(', ')}`,
    },
    {
      workload: W,
      metric: `scroll top ↔ bottom at ${speed}: frames shown per second (60 Hz display)`,
      unit: 'fps',
      ours: kit.frames.framesPerSecond,
      baseline: plain.frames.framesPerSecond,
      baselineName: B_ALL,
      note: `kit ${frameNote(kit.frames)}; plain ${frameNote(plain.frames)}`,
    },
    {
      workload: W,
      metric: `scroll: long frames (> 50 ms on screen)`,
      unit: 'count',
      ours: kit.frames.longFrames,
      baseline: plain.frames.longFrames,
      baselineName: B_ALL,
      note: `longest kit ${kit.frames.longestFrameMs} ms, plain ${plain.frames.longestFrameMs} ms`,
    },
    {
      workload: W,
      metric: 'scroll: main-thread busy per frame shown',
      unit: 'ms',
      ours: kit.frames.mainThreadMsPerFrame,
      baseline: plain.frames.mainThreadMsPerFrame,
      baselineName: B_ALL,
      note: `busy ${Math.round(kit.frames.mainThreadBusy * 100)}% of the scroll (plain ${Math.round(plain.frames.mainThreadBusy * 100)}%)`,
    },
  ];
  if (kit.unlimited && plain.unlimited) {
    rows.push({
      workload: W,
      metric: 'scroll: frames per second, frame-rate limit off',
      unit: 'fps',
      ours: kit.unlimited.framesPerSecond,
      baseline: plain.unlimited.framesPerSecond,
      baselineName: B_ALL,
      note: `--disable-frame-rate-limit --disable-gpu-vsync; kit ${frameNote(kit.unlimited)}; plain ${frameNote(plain.unlimited)}`,
    });
  }
  rows.push(
    {
      workload: W,
      metric: 'DOM rows in the log, whole history loaded (most while scrolling)',
      unit: 'rows',
      ours: kit.rowsBefore,
      baseline: plain.rowsBefore,
      baselineName: B_ALL,
      note: `while scrolling at most kit ${kit.maxRowsWhileScrolling}, plain ${plain.maxRowsWhileScrolling}; DOM nodes in the page kit ${kit.domNodes}, plain ${plain.domNodes}`,
    },
    {
      workload: W,
      metric: 'renderer process memory (RSS), whole history loaded, after GC',
      unit: 'MiB',
      ours: kit.rendererRssMiB,
      baseline: plain.rendererRssMiB,
      baselineName: B_ALL,
      note: 'VmRSS of the page\'s renderer: V8 heap, DOM, layout, and what every page has',
    },
    {
      workload: W,
      metric: 'JS heap used, whole history loaded, after GC',
      unit: 'MiB',
      ours: kit.jsHeapMiB,
      baseline: plain.jsHeapMiB,
      baselineName: B_ALL,
      note: `history loaded in kit ${Math.round(kit.loadAllMs)} ms (pages of 50 while scrolled to the top), plain ${Math.round(plain.loadAllMs)} ms (pages of 100, then one render of ${plain.renderAllMs} ms)`,
    },
  );
  return rows;
}
