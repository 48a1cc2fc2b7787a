import { describe, expect, it } from 'vitest';
import { HeyyoError } from './errors.ts';
import { createWorkGate } from './work-gate.ts';

describe('the work gate', () => {
  it('refuses work past its bound at once, with 503 OVERLOADED and a retry hint, and takes it again once work ends', async () => {
    const gate = createWorkGate(2);
    let finish!: () => void;
    const blocked = new Promise<void>((resolve) => (finish = resolve));
    const running = [gate.run(() => blocked), gate.run(() => blocked)];
    expect(gate.saturated()).toBe(true);
    let ran = false;
    const refused = await gate.run(async () => (ran = true)).catch((error: unknown) => error);
    expect(ran).toBe(false);
    expect(refused).toBeInstanceOf(HeyyoError);
    expect(refused).toMatchObject({ status: 503, code: 'HEYYO_ERR_OVERLOADED', retryAfterSeconds: 1 });

    finish();
    await Promise.all(running);
    expect(gate.saturated()).toBe(false);
    expect(await gate.run(async () => 'done')).toBe('done');
    expect(gate.inFlight()).toBe(0);
  });

  it('releases a place once however often it is released, and when the work fails', async () => {
    const gate = createWorkGate(1);
    const release = gate.enter()!;
    expect(gate.enter()).toBeUndefined();
    release();
    release();
    expect(gate.inFlight()).toBe(0);
    await expect(gate.run(async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(gate.inFlight()).toBe(0);
    expect(gate.refused()).toBe(1);
  });
});
