/**
 * Frames from Chromium traces (playwright-core's `browser.startTracing` / `stopTracing`), each
 * between two `console.timeStamp` marks that the page made; a long scroll is traced in segments
 * (one trace each, see `readFrames`) and `summarizeFrames` adds them up.
 *
 * - A frame shown = a `DrawFrame` event (category `disabled-by-default-devtools.timeline.frame`) of
 *   the page's renderer: its compositor drew a frame and handed it to the display. (`BeginFrame`
 *   counts display ticks, drawn or not; `DroppedFrame` is rare in these traces even when ticks go
 *   without a draw, so the gaps between draws are what show a stall.)
 * - A long frame = a gap of more than 50 ms between two frames shown (or between a mark and the
 *   nearest frame): for that long, the screen showed the same picture while the page was scrolling.
 * - A dropped frame = a `PipelineReporter` (same category) whose state is `STATE_DROPPED`: a frame
 *   the compositor began for a display tick and gave up on (it missed its deadline).
 * - Main-thread busy = the union of the `devtools.timeline` complete events (`X`: script, style,
 *   layout, paint, GC…) on the renderer's main thread: how much of the window the page's own work
 *   took, which the display's frame rate does not cap.
 */
import { percentile, round } from './stats.ts';

/** The categories these figures need; nothing else is recorded (traces of a long scroll are large). */
export const FRAME_TRACE_CATEGORIES = ['devtools.timeline', 'disabled-by-default-devtools.timeline.frame'];

/** A frame on screen longer than this counts as long (the threshold). */
export const LONG_FRAME_MS = 50;

interface TraceEvent {
  name: string;
  cat: string;
  ph: string;
  pid: number;
  tid: number;
  ts: number;
  dur?: number;
  args?: { data?: { message?: string }; frame_reporter?: { state?: string } };
}

export interface FrameStats {
  windowMs: number;
  /** Frames shown (`DrawFrame`) in the window. */
  frames: number;
  framesPerSecond: number;
  /** Gaps between frames shown longer than LONG_FRAME_MS. */
  longFrames: number;
  /** The longest gap between frames shown. */
  longestFrameMs: number;
  /** Gaps between frames shown, 95th and 99th percentile. */
  frameGapP95Ms: number;
  frameGapP99Ms: number;
  /** `PipelineReporter` frames in state STATE_DROPPED. */
  droppedFrames: number;
  /** Share of the window the renderer's main thread was busy, 0–1. */
  mainThreadBusy: number;
  /** Main-thread busy time per frame shown. */
  mainThreadMsPerFrame: number;
  /** Traced segments and their events. */
  segments: number;
  traceEvents: number;
}

/** One traced segment: what `summarizeFrames` needs of it. */
export interface FrameWindow {
  windowMs: number;
  frames: number;
  /** Between the start mark, each frame shown and the end mark. */
  gapsMs: number[];
  droppedFrames: number;
  mainThreadBusyMs: number;
  traceEvents: number;
}

/**
 * Calls `visit` with each event of the trace that `wanted` (a test on its raw line) keeps. Chromium
 * writes one event per line (`{"traceEvents":[` / `{…},` … / `{…}],"metadata":` / `{…}}`); a long
 * scroll's trace can pass the 512 MiB a single JavaScript string holds, so it is read a line at a time.
 */
function eachEvent(trace: Buffer, wanted: (line: string) => boolean, visit: (event: TraceEvent) => void): number {
  let lines = 0;
  let from = 0;
  for (let last = false; !last && from < trace.length; ) {
    let to = trace.indexOf(10, from);
    if (to < 0) to = trace.length;
    const line = trace.toString('utf8', from, to);
    from = to + 1;
    if (!line.startsWith('{"') || line.startsWith('{"traceEvents"')) continue;
    // The last event closes the array on its line (`}],"metadata":`); what follows is not events.
    const close = line.endsWith(',') ? -1 : line.lastIndexOf('}]');
    last = close > 0;
    lines++;
    if (!wanted(line)) continue;
    visit(JSON.parse(last ? line.slice(0, close + 1) : line.endsWith(',') ? line.slice(0, -1) : line) as TraceEvent);
  }
  if (lines === 0) throw new Error('no trace events: not the one-event-a-line format of Chromium');
  return lines;
}

/** The process that recorded the `TimeStamp` mark `message`: the page's renderer. */
export function markPid(trace: Buffer, message: string): number {
  let pid: number | undefined;
  eachEvent(
    trace,
    (line) => line.includes('"name":"TimeStamp"'),
    (event) => {
      if (event.args?.data?.message === message) pid = event.pid;
    },
  );
  if (pid === undefined) throw new Error(`no TimeStamp "${message}" in the trace`);
  return pid;
}

/** The window between the `TimeStamp` marks `start` and `end`, on their renderer and thread. */
export function readFrames(trace: Buffer, marks: { start: string; end: string }): FrameWindow {
  const stamps: TraceEvent[] = [];
  const draws: TraceEvent[] = [];
  const reporters: TraceEvent[] = [];
  // Complete events as [pid, tid, ts, dur]: the bulk of the trace, kept small.
  const complete: number[][] = [];
  const count = eachEvent(
    trace,
    (line) => line.includes('"ph":"X"') || line.includes('"name":"DrawFrame"') || line.includes('"name":"TimeStamp"') || line.includes('"STATE_DROPPED"'),
    (event) => {
      if (event.name === 'TimeStamp') stamps.push(event);
      else if (event.name === 'DrawFrame') draws.push(event);
      else if (event.name === 'PipelineReporter' && event.ph === 'b') reporters.push(event);
      if (event.ph === 'X' && event.dur !== undefined) complete.push([event.pid, event.tid, event.ts, event.dur]);
    },
  );
  const mark = (message: string) => {
    const found = stamps.find((event) => event.args?.data?.message === message);
    if (!found) throw new Error(`no TimeStamp "${message}" in the trace (${count} events): was the trace buffer full?`);
    return found;
  };
  const start = mark(marks.start);
  const end = mark(marks.end);
  const { pid, tid } = start;
  const inWindow = (event: TraceEvent) => event.pid === pid && event.ts >= start.ts && event.ts <= end.ts;

  const drawn = draws
    .filter(inWindow)
    .map((event) => event.ts)
    .sort((a, b) => a - b);
  const edges = [start.ts, ...drawn, end.ts];
  const gapsMs: number[] = [];
  for (let index = 1; index < edges.length; index++) gapsMs.push((edges[index]! - edges[index - 1]!) / 1000);

  // The union of the main thread's complete events, clipped to the window (they nest).
  const spans = complete
    .filter(([p, t, ts, dur]) => p === pid && t === tid && ts! + dur! > start.ts && ts! < end.ts)
    .map(([, , ts, dur]) => [Math.max(ts!, start.ts), Math.min(ts! + dur!, end.ts)] as const)
    .sort((a, b) => a[0] - b[0]);
  let busy = 0;
  let reached = start.ts;
  for (const [from, to] of spans) {
    if (to <= reached) continue;
    busy += to - Math.max(from, reached);
    reached = to;
  }

  return {
    windowMs: (end.ts - start.ts) / 1000,
    frames: drawn.length,
    gapsMs,
    droppedFrames: reporters.filter((event) => inWindow(event) && event.args?.frame_reporter?.state === 'STATE_DROPPED').length,
    mainThreadBusyMs: busy / 1000,
    traceEvents: count,
  };
}

/** The segments as one scroll. */
export function summarizeFrames(windows: readonly FrameWindow[]): FrameStats {
  const sum = (pick: (window: FrameWindow) => number) => windows.reduce((total, window) => total + pick(window), 0);
  const windowMs = sum((window) => window.windowMs);
  const frames = sum((window) => window.frames);
  const busyMs = sum((window) => window.mainThreadBusyMs);
  const gaps = Float64Array.from(windows.flatMap((window) => window.gapsMs)).sort();
  const sorted = Array.from(gaps);
  return {
    windowMs: round(windowMs),
    frames,
    framesPerSecond: round(frames / (windowMs / 1000), 1),
    longFrames: sorted.filter((gap) => gap > LONG_FRAME_MS).length,
    longestFrameMs: round(sorted.at(-1) ?? 0),
    frameGapP95Ms: round(percentile(sorted, 95)),
    frameGapP99Ms: round(percentile(sorted, 99)),
    droppedFrames: sum((window) => window.droppedFrames),
    mainThreadBusy: round(busyMs / windowMs, 3),
    mainThreadMsPerFrame: round(frames ? busyMs / frames : 0),
    segments: windows.length,
    traceEvents: sum((window) => window.traceEvents),
  };
}
