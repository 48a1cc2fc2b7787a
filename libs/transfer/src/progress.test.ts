import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createProgress, progressLine, progressModeFor } from './progress.ts';

describe('progress', () => {
  it('draws a bar only on a terminal', () => {
    expect(progressModeFor({ isTTY: true })).toBe('bar');
    expect(progressModeFor({ isTTY: false })).toBe('lines');
    expect(progressModeFor({})).toBe('lines');
  });

  it('writes plain lines at the interval, then a last one with the overall rate', () => {
    const output = new PassThrough();
    let text = '';
    output.on('data', (chunk) => (text += chunk));
    let clock = 0;
    const progress = createProgress({ mode: 'lines', output, verb: 'exported', noun: 'messages', intervalMs: 2000, now: () => clock });
    clock = 1000;
    progress.update(100, { total: 1000 });
    clock = 2000;
    progress.update(200, { total: 1000 });
    clock = 3000;
    progress.update(300, { total: 1000 });
    clock = 4000;
    progress.update(1000, { total: 1000 });
    progress.stop();
    expect(text.split('\n')).toEqual(['exported 200/1000 messages, 100/s', 'exported 1000/1000 messages, 250/s', 'exported 1000/1000 messages, 250/s', '']);
  });

  it('shows the share of a file read when the count has no total', () => {
    expect(progressLine({ verb: 'imported', noun: 'messages', done: 200_000, fraction: 0.456, perSecond: 61_234.4 })).toBe('imported 200000 messages (45%), 61234/s');
  });
});
