import { describe, expect, it } from 'vitest';
import { createHistoryCache, type HistoryCacheOutcome } from './history-cache.ts';

const APP = '00000000-0000-4000-8000-000000000001';
const CHANNEL = '00000000-0000-4000-8000-000000000002';

function cacheWith(maxChars: number) {
  const outcomes: HistoryCacheOutcome[] = [];
  const renders: string[] = [];
  const cache = createHistoryCache({ maxChars, observe: (outcome) => outcomes.push(outcome) });
  /** A page as Postgres would render it at `version`. */
  const ask = (version: string, renderedAt = version, page: { limit: number; afterSeq?: number } = { limit: 50 }) =>
    cache.page(APP, CHANNEL, page as { limit: number }, version, async () => {
      renders.push(renderedAt);
      return { json: `[${renderedAt}]`, version: renderedAt };
    });
  return { ask, outcomes, renders };
}

describe('createHistoryCache', () => {
  it('renders a page once per history version', async () => {
    const { ask, outcomes, renders } = cacheWith(1000);
    expect(await ask('1')).toBe('[1]');
    expect(await ask('1')).toBe('[1]');
    expect(await ask('2')).toBe('[2]');
    expect(renders).toEqual(['1', '2']);
    expect(outcomes).toEqual(['miss', 'hit', 'miss']);
  });

  it('keeps a page at the version it was rendered at, not the one asked for', async () => {
    const { ask, renders } = cacheWith(1000);
    // A change committed between the version check and the render: the page is of version 3.
    expect(await ask('2', '3')).toBe('[3]');
    expect(await ask('2', '2')).toBe('[2]');
    expect(await ask('3')).toBe('[3]');
    expect(renders).toEqual(['3', '2', '3']);
  });

  it('keeps each window of a channel apart', async () => {
    const { ask, renders } = cacheWith(1000);
    await ask('1', '1', { limit: 50 });
    await ask('1', '1', { limit: 10 });
    await ask('1', '1', { limit: 10, afterSeq: 0 });
    await ask('1', '1', { limit: 10 });
    expect(renders).toHaveLength(3);
  });

  it('renders every time when its size is 0, and evicts past its size', async () => {
    const off = cacheWith(0);
    await off.ask('1');
    await off.ask('1');
    expect(off.renders).toHaveLength(2);
    expect(off.outcomes).toEqual([]);

    const tiny = cacheWith(100);
    await tiny.ask('1', '1', { limit: 1 });
    await tiny.ask('1', '1', { limit: 2 });
    await tiny.ask('1', '1', { limit: 1 });
    expect(tiny.renders).toHaveLength(3);
  });
});
