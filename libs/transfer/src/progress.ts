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
  /** Time between plain lines. @defaultValue 2000 */
  intervalMs?: number;
  /** The clock (tests). @defaultValue performance.now */
  now?: () => number;
}

/** How far along: out of a known count (`total`), or a share of the work (`fraction`, e.g. of a file's bytes). */
export interface ProgressOf {
  total?: number;
  fraction?: number;
}

export interface Progress {
  /** `done` counted so far. */
  update(done: number, of?: ProgressOf): void;
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
  let of: ProgressOf = {};
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
    // The bar runs over per-mille of the work: a count's share, or the share given.
    bar.start(1000, 0, { speed: 0, count: 0 });
    const perMille = () => Math.floor((of.total ? done / of.total : (of.fraction ?? 0)) * 1000);
    return {
      update(count, progress = {}) {
        done = count;
        of = progress;
        bar.update(perMille(), { speed: Math.round(rate(count)), count });
      },
      stop() {
        bar.update(1000, { speed: Math.round(rate(done)), count: done });
        bar.stop();
      },
    };
  }
  const interval = options.intervalMs ?? 2000;
  let lastLine = started;
  const write = () => {
    const line = progressLine({ verb: options.verb, noun: options.noun, done, perSecond: rate(done), ...of });
    options.output.write(`${line}\n`);
  };
  return {
    update(count, progress = {}) {
      done = count;
      of = progress;
      if (now() - lastLine >= interval) {
        lastLine = now();
        write();
      }
    },
    stop() {
      if (of.fraction !== undefined) of = { ...of, fraction: 1 };
      write();
    },
  };
}
