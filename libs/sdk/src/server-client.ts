import type { AppBan, AppSummary, CreatedApp, RevokeTokensResponse, TokenResponse, User, UserExport } from '@heyyo/contracts';
import { HttpClient, query } from './http.ts';

export interface HeyyoServerClientOptions {
  apiUrl: string;
  /** The app's `cb_…` key. */
  apiKey: string;
  /** The app's `cbs_…` secret. Server-side only: never ship it to a browser or a mobile app. */
  apiSecret: string;
  fetch?: typeof fetch;
}

export interface TokenOptions {
  displayName?: string | null;
  avatarUrl?: string | null;
  /** Lifetime in seconds (the server caps it); the server's default when omitted. */
  ttl?: number;
  /** `admin`: the user moderates every channel of your app with this token. Default `user`. */
  role?: 'user' | 'admin';
}

const trimSlash = (url: string) => url.replace(/\/+$/, '');

/**
 * For your backend: mints user tokens and manages users with the app's
 * credentials. Not for browsers — the secret must stay on your servers.
 */
export class HeyyoServerClient {
  private readonly http: HttpClient;

  constructor(private readonly options: HeyyoServerClientOptions) {
    this.http = new HttpClient({
      baseUrl: trimSlash(options.apiUrl),
      headers: { 'x-api-key': options.apiKey, 'x-api-secret': options.apiSecret },
      ...(options.fetch ? { fetch: options.fetch } : {}),
    });
  }

  /** A user JWT for your user `userId`, creating the user or updating the profile given. */
  createToken(userId: string, options: TokenOptions = {}): Promise<TokenResponse> {
    return this.http.request<TokenResponse>('POST', '/api/auth/token', {
      api_key: this.options.apiKey,
      api_secret: this.options.apiSecret,
      user_id: userId,
      ...(options.displayName !== undefined ? { display_name: options.displayName } : {}),
      ...(options.avatarUrl !== undefined ? { avatar_url: options.avatarUrl } : {}),
      ...(options.ttl !== undefined ? { ttl: options.ttl } : {}),
      ...(options.role !== undefined ? { role: options.role } : {}),
    });
  }

  readonly users = {
    /** Registers or updates a user without a token; its `id` is what channel `members` take. */
    upsert: (userId: string, profile: { displayName?: string | null; avatarUrl?: string | null } = {}) =>
      this.http.request<User>('POST', '/api/users', {
        user_id: userId,
        ...(profile.displayName !== undefined ? { display_name: profile.displayName } : {}),
        ...(profile.avatarUrl !== undefined ? { avatar_url: profile.avatarUrl } : {}),
      }),
    list: (page: { limit?: number; offset?: number } = {}) => this.http.request<User[]>('GET', `/api/users${query(page)}`),
    get: (id: string) => this.http.request<User>('GET', `/api/users/${encodeURIComponent(id)}`),
    /**
     * Refuses the user's tokens issued before now — or only the one with `jti` — on every node
     * within a second; their sockets get `auth.revoked` and are disconnected.
     */
    revokeTokens: (id: string, options: { jti?: string } = {}) =>
      this.http.request<RevokeTokensResponse>('POST', `/api/users/${encodeURIComponent(id)}/revoke-tokens${query(options)}`),
    /**
     * Bans the user app-wide (`expiresIn` seconds; omitted: until lifted): they read, but every
     * write answers `HEYYO_ERR_BANNED` on every node; their sockets hear `user.banned`.
     */
    ban: (id: string, options: { expiresIn?: number; reason?: string } = {}) =>
      this.http.request<AppBan>('POST', `/api/users/${encodeURIComponent(id)}/ban`, {
        ...(options.expiresIn !== undefined ? { expires_in: options.expiresIn } : {}),
        ...(options.reason !== undefined ? { reason: options.reason } : {}),
      }),
    unban: (id: string) => this.http.request<{ message: string }>('DELETE', `/api/users/${encodeURIComponent(id)}/ban`),
    /** Changes the fields given (null clears a display name or avatar; `metadata` replaces the stored object). */
    update: (id: string, changes: { displayName?: string | null; avatarUrl?: string | null; metadata?: Record<string, unknown> }) =>
      this.http.request<User>('PATCH', `/api/users/${encodeURIComponent(id)}`, {
        ...(changes.displayName !== undefined ? { display_name: changes.displayName } : {}),
        ...(changes.avatarUrl !== undefined ? { avatar_url: changes.avatarUrl } : {}),
        ...(changes.metadata !== undefined ? { metadata: changes.metadata } : {}),
      }),
    /**
     * Deactivates the user: their tokens are refused on every node within a second and none is minted
     * until `reactivate`. With `hard: true`, also erases them (GDPR): messages become tombstones,
     * reactions and memberships go, the profile is wiped. Repeating it is harmless.
     */
    delete: (id: string, options: { hard?: boolean } = {}) =>
      this.http.request<User>('DELETE', `/api/users/${encodeURIComponent(id)}${query({ hard: options.hard ? 'true' : undefined })}`),
    /** Lets a deactivated (not erased) user have tokens again; tokens from before stay refused. */
    reactivate: (id: string) => this.http.request<User>('POST', `/api/users/${encodeURIComponent(id)}/reactivate`),
    /** Everything stored about the user (their data subject access request). */
    export: (id: string) => this.http.request<UserExport>('GET', `/api/users/${encodeURIComponent(id)}/export`),
  };
}

/** For operators: app (tenant) management with the server's admin token. */
export class HeyyoAdminClient {
  private readonly http: HttpClient;

  constructor(options: { apiUrl: string; adminToken?: string; fetch?: typeof fetch }) {
    this.http = new HttpClient({
      baseUrl: trimSlash(options.apiUrl),
      ...(options.adminToken ? { authorization: async () => `Bearer ${options.adminToken}` } : {}),
      ...(options.fetch ? { fetch: options.fetch } : {}),
    });
  }

  readonly apps = {
    /** Creates an app; `api_secret` is in this answer only. */
    create: (name: string) => this.http.request<CreatedApp>('POST', '/api/apps', { name }),
    list: (page: { limit?: number; offset?: number } = {}) =>
      this.http.request<AppSummary[]>('GET', `/api/apps${query(page)}`),
  };
}
