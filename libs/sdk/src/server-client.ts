import type {
  AppBan,
  AppChannel,
  AppSummary,
  Attachment,
  Channel,
  ChannelDetails,
  CreatedApp,
  JsonObject,
  ListedMessage,
  MemberRole,
  MembersChanged,
  Message,
  RevokeTokensResponse,
  TokenResponse,
  User,
  UserExport,
} from '@heyyo/contracts';
import { HttpClient, query, type PageParams } from './http.ts';

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
    /** A page of the app's users in creation order (`limit` default 100), and how many there are. */
    list: (page: PageParams = {}) => this.http.requestPage<User>('/api/users', page, 100),
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

  /** Every channel of the app, with its whole scope (the server API: docs/server-api.md). */
  readonly channels = {
    /** A page of the app's channels, newest first, narrowed by type, a member (user id) and a name prefix. */
    list: (options: PageParams & { type?: string; member?: string; namePrefix?: string } = {}) => {
      const { type, member, namePrefix, ...page } = options;
      return this.http.requestPage<AppChannel>(`/api/channels${query({ type, member, name_prefix: namePrefix })}`, page, 100);
    },
    /** Creates a channel as `createdBy` (a user id), who becomes its owner; `members` join with them. */
    create: (name: string, options: { createdBy: string; type?: string; description?: string; metadata?: JsonObject; members?: string[] }) => {
      const { createdBy, ...rest } = options;
      return this.http.request<Channel>('POST', '/api/channels', { name, created_by: createdBy, ...rest });
    },
    get: (id: string) => this.http.request<ChannelDetails>('GET', channelPath(id)),
    update: (id: string, changes: { name?: string; description?: string | null; metadata?: JsonObject; slow_mode_seconds?: number }) =>
      this.http.request<Channel>('PATCH', channelPath(id), changes),
    delete: (id: string) => this.http.request<{ message: string }>('DELETE', channelPath(id)),
    /** Adds users (at most 100): all are checked before anyone joins; members already in are `unchanged`. */
    addMembers: (id: string, userIds: string[]) =>
      this.http.request<MembersChanged>('POST', `${channelPath(id)}/members`, { user_ids: userIds }),
    /** Removes members (at most 100); users not in the channel are `unchanged`, so a retry is harmless. */
    removeMembers: (id: string, userIds: string[]) =>
      this.http.request<MembersChanged>('POST', `${channelPath(id)}/members/remove`, { user_ids: userIds }),
    setMemberRole: (id: string, userId: string, role: MemberRole) =>
      this.http.request<{ message: string }>('PATCH', `${channelPath(id)}/members/${encodeURIComponent(userId)}`, { role }),
  };

  /** Messages of any channel of the app. */
  readonly messages = {
    /**
     * Sends as `userId` (a member of the channel), under their rules and write budget. A retry with
     * the same `clientId` returns the message stored the first time.
     */
    send: (channelId: string, userId: string, text: string | null, options: ServerSendOptions = {}) =>
      this.http.request<Message>('POST', `${channelPath(channelId)}/messages`, {
        text,
        user_id: userId,
        ...(options.clientId !== undefined ? { client_id: options.clientId } : {}),
        ...(options.parentId !== undefined ? { parent_id: options.parentId } : {}),
        ...(options.attachments !== undefined ? { attachments: options.attachments } : {}),
        ...(options.metadata !== undefined ? { metadata: options.metadata } : {}),
      }),
    /** Numbered pages of the history, newest page first (each oldest first); `total`: the channel's live messages. */
    list: (channelId: string, page: PageParams = {}) =>
      this.http.requestPage<ListedMessage>(`${channelPath(channelId)}/messages`, { page: 1, ...page }, 50),
    /** Deletes any message (a tombstone keeps its seq); members hear `message.deleted`. */
    delete: (channelId: string, messageId: string) =>
      this.http.request<{ message: string }>('DELETE', `${channelPath(channelId)}/messages/${encodeURIComponent(messageId)}`),
  };
}

const channelPath = (id: string) => `/api/channels/${encodeURIComponent(id)}`;

/** What a server-side send may carry besides its text. */
export interface ServerSendOptions {
  clientId?: string;
  parentId?: string;
  attachments?: Attachment[];
  metadata?: JsonObject;
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
    list: (page: PageParams = {}) => this.http.requestPage<AppSummary>('/api/apps', page, 100),
  };
}
