/** Holds the user JWT; refreshes it through `tokenProvider` before it expires and on demand. */
export class TokenManager {
  private token: string | undefined;
  private refreshing: Promise<string> | undefined;
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    initial: string | undefined,
    private readonly provider: (() => Promise<string>) | undefined,
  ) {
    this.token = initial;
    if (initial) this.schedule(initial);
  }

  get canRefresh(): boolean {
    return this.provider !== undefined;
  }

  /** The token held now (the last one handed out), if any. */
  get held(): string | undefined {
    return this.token;
  }

  /** The internal id of the token's user (its `sub`), once a token is held. */
  get userId(): string | undefined {
    return this.token ? decodeClaims(this.token)?.sub : undefined;
  }

  /**
   * The current token; a new one from the provider when there is none yet or the
   * one held has expired (so an expired token is never sent when it can be replaced).
   */
  async current(): Promise<string> {
    if (this.token && !(this.provider && isExpired(this.token))) return this.token;
    return this.refresh();
  }

  /** Restarts the refresh timer after stop() (a client connecting again). */
  resume(): void {
    if (this.token && !this.timer) this.schedule(this.token);
  }

  /** A new token from the provider; concurrent callers share one request. */
  refresh(): Promise<string> {
    if (!this.provider) {
      return this.token ? Promise.resolve(this.token) : Promise.reject(new Error('No token and no tokenProvider'));
    }
    this.refreshing ??= this.provider()
      .then((token) => {
        this.token = token;
        this.schedule(token);
        return token;
      })
      .finally(() => {
        this.refreshing = undefined;
      });
    return this.refreshing;
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  /** Refreshes at 80% of the token's life (at most a minute before it ends). */
  private schedule(token: string): void {
    this.stop();
    const claims = decodeClaims(token);
    if (!this.provider || !claims?.exp || !claims.iat) return;
    const lifetimeMs = (claims.exp - claims.iat) * 1000;
    const refreshAt = claims.exp * 1000 - Math.min(60_000, lifetimeMs * 0.2);
    // Already due: the next current() refreshes, rather than a timer racing it.
    if (refreshAt <= Date.now()) return;
    this.timer = setTimeout(() => void this.refresh().catch(() => {}), refreshAt - Date.now());
    // In Node, a pending refresh must not keep a finished script alive.
    (this.timer as { unref?: () => void }).unref?.();
  }
}

function isExpired(token: string): boolean {
  const exp = decodeClaims(token)?.exp;
  return exp !== undefined && exp * 1000 <= Date.now();
}

/** The JWT's payload, without verifying it (the server does that). Browser-safe: atob, no Buffer. */
export function decodeClaims(token: string): { exp?: number; iat?: number; sub?: string } | undefined {
  const payload = token.split('.')[1];
  if (!payload) return undefined;
  try {
    const base64 = payload.replace(/-/g, '+').replace(/_/g, '/');
    const bytes = Uint8Array.from(atob(base64), (char) => char.charCodeAt(0));
    return JSON.parse(new TextDecoder().decode(bytes));
  } catch {
    return undefined;
  }
}
