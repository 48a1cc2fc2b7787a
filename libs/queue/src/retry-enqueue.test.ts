import { describe, expect, it, vi } from 'vitest';
import { retryEnqueue } from './retry-enqueue.ts';

describe('retryEnqueue', () => {
  it('adds once when the first try succeeds', async () => {
    const add = vi.fn(async () => {});
    const giveUp = vi.fn();
    expect(await retryEnqueue(add, giveUp, [1, 1])).toBe(true);
    expect(add).toHaveBeenCalledTimes(1);
    expect(giveUp).not.toHaveBeenCalled();
  });

  it('retries a failing add until it succeeds', async () => {
    let calls = 0;
    const add = vi.fn(async () => {
      if (++calls < 3) throw new Error('Connection is closed');
    });
    const giveUp = vi.fn();
    expect(await retryEnqueue(add, giveUp, [1, 1])).toBe(true);
    expect(add).toHaveBeenCalledTimes(3);
    expect(giveUp).not.toHaveBeenCalled();
  });

  it('gives up after the last delay, reporting instead of throwing', async () => {
    const failure = new Error('Connection is closed');
    const add = vi.fn(async () => {
      throw failure;
    });
    const giveUp = vi.fn();
    expect(await retryEnqueue(add, giveUp, [1, 1])).toBe(false);
    expect(add).toHaveBeenCalledTimes(3);
    expect(giveUp).toHaveBeenCalledWith(failure, 3);
  });
});
