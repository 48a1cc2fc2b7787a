import cliProgress from 'cli-progress';

/** A bar redrawn in place on a terminal; elsewhere (a log, a pipe, CI) plain lines at an interval. */
export type ProgressMode = 'bar' | 'lines';

/** The bar only where someone watches a terminal: `\r` redraws would be garbage in a log file. */
export const progressModeFor = (stream: { isTTY?: boolean }): ProgressMode => (stream.isTTY ? 'bar' : 'lines');

export interface ProgressOptions {
  mode: ProgressMode;
  /** Where it goes (stderr: stdout may carry the export itself). */
  output: NodeJS.WritableStream;
  /** 'imported', 'exported'. */
  verb: string;
  /** What is counted, e.g. 'messages'. */
  noun: string;
  /** How many there will be, when known. */
  total?: number;
  /** Time between plain lines. @defaultValue 2000 */
  intervalMs?: number;
  /** The clock (tests). @defaultValue performance.now */
  now?: () => number;
}

export interface Progress {
  /** `done` counted so far; `fraction` of the work when the total is not a count (bytes of a file read). */
  update(done: number, fraction?: number): void;
  /** The last line (plain mode) or the bar's final state; the rate over the whole run. */
  stop(): void;
}

/** `exported 200000/1000000 messages, 61234/s` or `imported 200000 messages (45%), 61234/s`. */
export function progressLine(options: { verb: string; noun: string; done: number; total?: number; fraction?: number; perSecond: number }): string {
  const of = options.total === undefined ? '' : `/${options.total}`;
  const percent = options.fraction === undefined ? '' : ` (${Math.floor(options.fraction * 100)}%)`;
  return `${options.verb} ${options.done}${of} ${options.noun}${percent}, ${Math.round(options.perSecond)}/s`;
}

export function createProgress(options: ProgressOptions): Progress {
  const now = options.now ?? (() => performance.now());
  const started = now();
  const rate = (done: number) => done / Math.max((now() - started) / 1000, 1e-3);
  let done = 0;
  let fraction: number | undefined;
  if (options.mode === 'bar') {
    const bar = new cliProgress.SingleBar(
      {
        stream: options.output,
        format: `${options.verb} {bar} {percentage}% | {count} ${options.noun} | {speed}/s`,
        hideCursor: true,
        // Not a TTY check of its own: the caller chose the bar.
        noTTYOutput: true,
      },
      cliProgress.Presets.shades_classic,
    );
    // The bar runs over a count when the total is known, else over per-mille of the work.
    const total = options.total ?? 1000;
    bar.start(total, 0, { speed: 0, count: 0 });
    return {
      update(count, part) {
        done = count;
        bar.update(options.total === undefined ? Math.floor((part ?? 0) * 1000) : count, { speed: Math.round(rate(count)), count });
      },
      stop() {
        bar.update(options.total ?? 1000, { speed: Math.round(rate(done)), count: done });
        bar.stop();
      },
    };
  }
  const interval = options.intervalMs ?? 2000;
  let lastLine = started;
  const write = () => {
    const line = progressLine({ verb: options.verb, noun: options.noun, done, perSecond: rate(done), ...(options.total === undefined ? {} : { total: options.total }), ...(fraction === undefined ? {} : { fraction }) });
    options.output.write(`${line}\n`);
  };
  return {
    update(count, part) {
      done = count;
      fraction = part;
      if (now() - lastLine >= interval) {
        lastLine = now();
        write();
      }
    },
    stop() {
      if (fraction !== undefined) fraction = 1;
      write();
    },
  };
}
