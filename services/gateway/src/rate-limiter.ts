/**
 * A token bucket per connection: `burst` events at once, then `perSecond`
 * sustained. Cheap enough to run on every client event.
 */
export class TokenBucket {
  private tokens: number;
  private updatedAt = performance.now();

  constructor(
    private readonly perSecond: number,
    private readonly burst: number,
  ) {
    this.tokens = burst;
  }

  /** @returns false when the event must be refused. */
  take(): boolean {
    const now = performance.now();
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.updatedAt) / 1000) * this.perSecond);
    this.updatedAt = now;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}
