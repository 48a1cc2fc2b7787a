import { describe, expect, it } from 'vitest';
import { createMemoryFailureCounters } from './failure-counters.ts';

describe('memory failure counters', () => {
  it('keep at most maxKeys counters, forgetting the oldest', async () => {
    const counters = createMemoryFailureCounters(2);
    await counters.charge(['a'], 60_000);
    await counters.charge(['b'], 60_000);
    await counters.charge(['c'], 60_000);
    const [a, b, c] = await counters.read(['a', 'b', 'c']);
    expect(a!.count).toBe(0);
    expect(b!.count).toBe(1);
    expect(c!.count).toBe(1);
  });
});
