import { describe, expect, it } from 'vitest';
import { reconnectDelaySeconds } from './client.ts';

describe('reconnectDelaySeconds', () => {
  it('starts small and never waits more than a second, however long Postgres was down', () => {
    expect(reconnectDelaySeconds(1)).toBeLessThanOrEqual(0.1);
    for (let failures = 0; failures < 200; failures++) {
      const delay = reconnectDelaySeconds(failures);
      expect(delay).toBeGreaterThan(0);
      expect(delay).toBeLessThanOrEqual(1);
    }
  });
});
