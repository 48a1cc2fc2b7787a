import { describe, expect, it } from 'vitest';
import { createLogger } from '@heyyo/logging';
import { runShutdownSteps } from './shutdown.ts';

const log = createLogger({ level: 'silent', name: 'test' });
const never = () => new Promise(() => {});

describe('runShutdownSteps', () => {
  it('runs every step in order within the budget: a stalled one is abandoned, a throwing one reported, the rest still run', async () => {
    const ran: string[] = [];
    const startedAt = performance.now();
    const report = await runShutdownSteps(
      [
        { name: 'quick', run: () => void ran.push('quick') },
        { name: 'stalled', run: () => (ran.push('stalled'), never()) },
        { name: 'throws', run: () => (ran.push('throws'), Promise.reject(new Error('boom'))) },
        { name: 'last', run: async () => void ran.push('last') },
      ],
      400,
      log,
    );
    const elapsed = performance.now() - startedAt;
    expect(ran).toEqual(['quick', 'stalled', 'throws', 'last']);
    expect(report).toEqual({ failed: ['throws'], abandoned: ['stalled'] });
    expect(elapsed).toBeLessThan(400 + 100);
  });

  it('keeps a reserve for the steps after a stalled one: they get their time, the total stays within the budget', async () => {
    let lastTook = 0;
    const startedAt = performance.now();
    const report = await runShutdownSteps(
      [
        { name: 'stalled', run: never },
        {
          name: 'slow but in time',
          run: async () => {
            const begun = performance.now();
            await new Promise((resolve) => setTimeout(resolve, 60));
            lastTook = performance.now() - begun;
          },
        },
      ],
      400,
      log,
    );
    expect(report).toEqual({ failed: [], abandoned: ['stalled'] });
    expect(lastTook).toBeGreaterThanOrEqual(55);
    expect(performance.now() - startedAt).toBeLessThan(400 + 100);
  });

  it('adds to the report it is given (concurrent chains of one shutdown)', async () => {
    const report = { failed: ['earlier'], abandoned: [] as string[] };
    await runShutdownSteps([{ name: 'stalled', run: never }], 20, log, report);
    expect(report).toEqual({ failed: ['earlier'], abandoned: ['stalled'] });
  });
});
