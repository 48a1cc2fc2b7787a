import { afterEach, describe, expect, it, vi } from 'vitest';
import { TokenManager } from './tokens.ts';

/** An unsigned JWT-shaped token with the given claims (the SDK never verifies signatures). */
const token = (claims: { iat: number; exp: number; n?: number }) =>
  `e30.${btoa(JSON.stringify(claims)).replace(/=+$/, '')}.sig`;

describe('TokenManager', () => {
  afterEach(() => vi.useRealTimers());

  it('refreshes before expiry: at 80% of a short life, a minute early for a long one', async () => {
    vi.useFakeTimers({ now: 1_000_000 });
    const nowSeconds = 1000;
    const provider = vi.fn(async () => token({ iat: nowSeconds + 50, exp: nowSeconds + 3650, n: provider.mock.calls.length }));
    const manager = new TokenManager(token({ iat: nowSeconds, exp: nowSeconds + 100 }), provider);

    await vi.advanceTimersByTimeAsync(79_000);
    expect(provider).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(1_000);
    expect(provider).toHaveBeenCalledTimes(1);
    expect(await manager.current()).toBe(await provider.mock.results[0]!.value);

    // The new token lives an hour (from t=1050 s): the next refresh is a minute before its end.
    await vi.advanceTimersByTimeAsync((1050 + 3600 - 60 - 1080) * 1000 - 1);
    expect(provider).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(provider).toHaveBeenCalledTimes(2);
    manager.stop();
  });

  it('shares one provider call between concurrent refreshes', async () => {
    let release!: (value: string) => void;
    const provider = vi.fn(() => new Promise<string>((resolve) => (release = resolve)));
    const manager = new TokenManager(undefined, provider);
    const both = Promise.all([manager.current(), manager.refresh()]);
    release('fresh');
    expect(await both).toEqual(['fresh', 'fresh']);
    expect(provider).toHaveBeenCalledTimes(1);
  });

  it('replaces an expired token on first use with exactly one provider call', async () => {
    const provider = vi.fn(async () => 'fresh');
    const manager = new TokenManager(token({ iat: 1, exp: 2 }), provider);
    expect(await Promise.all([manager.current(), manager.current()])).toEqual(['fresh', 'fresh']);
    expect(provider).toHaveBeenCalledTimes(1);
  });

  it('without a provider, keeps the given token and cannot refresh', async () => {
    const manager = new TokenManager('static', undefined);
    expect(manager.canRefresh).toBe(false);
    expect(await manager.refresh()).toBe('static');
  });
});
