import type {
  Attachment,
  Channel,
  ChannelChange,
  ChannelDetails,
  ChannelListItem,
  DiscoverChannel,
  JsonObject,
  ListedMessage,
  MarkReadResponse,
  MemberRole,
  Message,
  ReadState,
  Restriction,
  ServerToClientEvents,
  SyncResult,
  VerifyResponse,
} from '@heyyo/contracts';
import { ErrorCodes } from '@heyyo/contracts';
import { ChangeTracker, VERSIONED_EVENTS, type VersionedChange } from './change-tracker.ts';
import { ChannelSequencer } from './channel-sequencer.ts';
import { Connection, type ConnectionState } from './connection.ts';
import { Emitter } from './emitter.ts';
import { HeyyoError, UnavailableError, WebSocketError } from './errors.ts';
import { HttpClient, query, type PageParams, type Paginated } from './http.ts';
import { TokenManager } from './tokens.ts';

export interface HeyyoClientOptions {
  /** The server origin, e.g. `https://chat.example.com` (REST under /api, Socket.IO on the same origin). */
  apiUrl: string;
  /** A user JWT. Optional when `tokenProvider` is given. */
  token?: string;
  /** Returns a fresh user JWT: called at start without `token`, before expiry, and after `Invalid token`. */
  tokenProvider?: () => Promise<string>;
  /** Socket.IO URLs when they differ from `apiUrl`; reconnects rotate through them. @defaultValue [apiUrl] */
  socketUrls?: string[];
  /**
   * When to open the socket. Default: when you first subscribe to an event with
   * `on()` (or call `connect()`), so a script that only makes REST calls ends by
   * itself. `true`: at once. `false`: only on `connect()`.
   */
  autoConnect?: boolean;
  /** @defaultValue ['websocket', 'polling'] */
  transports?: ('websocket' | 'polling')[];
  /** A fetch implementation (tests, older runtimes). @defaultValue globalThis.fetch */
  fetch?: typeof fetch;
  /**
   * How often `messages.send` retries a send the server refused for a moment (503: overloaded, or
   * Postgres/Redis unavailable), after the server's `retry-after` or a growing backoff, with the
   * same `clientId` (stored once). 0: never; the UnavailableError reaches you. @defaultValue 4
   */
  sendRetries?: number;
}

export interface SendOptions {
  attachments?: Attachment[];
  metadata?: JsonObject;
  parentId?: string | null;
  /** Idempotency key; generated when omitted, so a retry never sends twice. */
  clientId?: string;
}

/**
 * Every event `on()` accepts: the server's events (but `auth.expired`, which the client answers
 * itself with a fresh token) plus the client's own.
 */
export type ClientEvents = Omit<ServerToClientEvents, 'auth.expired'> & {
  /** The socket's state changed. */
  'connection.changed': (event: { state: ConnectionState }) => void;
  /** A channel was too far behind to catch up: reload it with `messages.list()`. */
  reset: (event: { channelId: string }) => void;
  /** A background failure (catch-up, token refresh — on the socket too, connection). */
  error: (error: Error) => void;
};

/** The wait before retry `attempt` (1, 2, …) of a refused send: the server's hint, else 250 ms doubling, at most 5 s; jittered. */
function retryDelayMs(error: UnavailableError, attempt: number): number {
  const base = error.retryAfter !== undefined ? error.retryAfter * 1000 : 250 * 2 ** (attempt - 1);
  return Math.min(base, 5000) * (0.75 + Math.random() / 2);
}

const restrictionBody = (userId: string, options: RestrictionOptions) => ({
  user_id: userId,
  ...(options.expiresIn !== undefined ? { expires_in: options.expiresIn } : {}),
  ...(options.reason !== undefined ? { reason: options.reason } : {}),
});

const newClientId = () =>
  globalThis.crypto?.randomUUID?.() ?? `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`;

/** Events relayed as they come; the versioned ones (VERSIONED_EVENTS) go through the ChangeTracker. */
const RELAYED_EVENTS = [
  'typing.start',
  'typing.stop',
  'presence.changed',
  'channel.deleted',
  'channel.read',
  'user.banned',
  'user.unbanned',
  'auth.revoked',
] as const;

/** A ban or mute as `moderation.ban`/`mute` take it: seconds until it ends (omitted: until lifted). */
export interface RestrictionOptions {
  expiresIn?: number;
  reason?: string;
}

/**
 * The Heyyo client for apps (browsers and Node): REST and Socket.IO with one
 * token, and `message.new` delivered exactly once, in order, across reconnects.
 */
export class HeyyoClient {
  private readonly events = new Emitter<ClientEvents>();
  private readonly http: HttpClient;
  private readonly tokens: TokenManager;
  private readonly connection: Connection;
  private readonly sequencer: ChannelSequencer;
  private readonly changes: ChangeTracker;
  private readonly syncing = new Map<string, Promise<void>>();
  private readonly connectOnSubscribe: boolean;
  private readonly sendRetries: number;

  constructor(options: HeyyoClientOptions) {
    if (!options.token && !options.tokenProvider) throw new Error('HeyyoClient needs a token or a tokenProvider');
    const apiUrl = options.apiUrl.replace(/\/+$/, '');
    this.tokens = new TokenManager(options.token, options.tokenProvider);
    this.http = new HttpClient({
      baseUrl: apiUrl,
      authorization: async () => `Bearer ${await this.tokens.current()}`,
      ...(options.tokenProvider ? { refreshAuthorization: async () => void (await this.tokens.refresh()) } : {}),
      ...(options.fetch ? { fetch: options.fetch } : {}),
    });
    this.sequencer = new ChannelSequencer(
      (message) => this.events.emit('message.new', message),
      (channelId) => void this.catchUp(channelId),
    );
    this.changes = new ChangeTracker(
      ({ event, payload }) => this.events.emit(event, payload as never),
      (channelId) => void this.catchUp(channelId),
    );
    this.connection = new Connection({
      urls: options.socketUrls?.length ? options.socketUrls : [apiUrl],
      tokens: this.tokens,
      ...(options.transports ? { transports: options.transports } : {}),
      onSocket: (socket) => {
        socket.on('message.new', (message) => {
          this.sequencer.receive(message);
          this.learnVersion(message.channel_id);
        });
        for (const event of VERSIONED_EVENTS) {
          socket.on(event, ((payload: VersionedChange['payload']) => this.changes.live({ event, payload } as VersionedChange)) as never);
        }
        // This user's membership ended (here or on another device): stop catching the channel up.
        const forgetIfMine = ({ channelId, userId }: { channelId: string; userId: string }) => {
          if (userId === this.tokens.userId) this.forget(channelId);
        };
        socket.on('member.left', forgetIfMine);
        socket.on('member.removed', forgetIfMine);
        socket.on('member.banned', forgetIfMine);
        socket.on('channel.deleted', ({ channelId }) => this.forget(channelId));
        for (const event of RELAYED_EVENTS) {
          socket.on(event, ((payload: never) => this.events.emit(event, payload)) as never);
        }
      },
      onConnected: () => this.catchUpAll(),
      onState: (state) => this.events.emit('connection.changed', { state }),
      onError: (error) => this.events.emit('error', error),
    });
    this.connectOnSubscribe = options.autoConnect === undefined;
    this.sendRetries = options.sendRetries ?? 4;
    // After the constructor returns, so listeners added right after it see 'connecting'.
    if (options.autoConnect === true) queueMicrotask(() => this.startConnecting());
  }

  private startConnecting(): void {
    this.connect().catch((error: unknown) => this.events.emit('error', error as Error));
  }

  /** Connects the socket (resolves once connected and caught up). */
  connect(): Promise<void> {
    this.tokens.resume();
    return this.connection.connect();
  }

  /** Closes the socket and stops refreshing the token. */
  disconnect(): void {
    this.connection.disconnect();
    this.tokens.stop();
  }

  /** True while the socket is connected. */
  get connected(): boolean {
    return this.connection.connected;
  }

  /**
   * Subscribes to an event. The first subscription opens the socket (unless
   * `autoConnect` said otherwise); on connecting the client catches up, so a
   * message sent before you subscribed still arrives.
   */
  on<E extends keyof ClientEvents>(event: E, handler: ClientEvents[E]): this {
    this.events.on(event, handler);
    if (this.connectOnSubscribe && event !== 'error' && !this.connection.started) this.startConnecting();
    return this;
  }

  off<E extends keyof ClientEvents>(event: E, handler: ClientEvents[E]): this {
    this.events.off(event, handler);
    return this;
  }

  readonly channels = {
    create: async (
      name: string,
      options: { type?: string; description?: string; metadata?: JsonObject; members?: string[] } = {},
    ) => {
      const channel = await this.http.request<Channel>('POST', '/api/channels', { name, ...options });
      // Tracked from its first message, so one that races the room join is caught up, not lost.
      this.track(channel.id, 0);
      return channel;
    },
    /** A page of your channels, most recently active first (`limit` default 100), and how many you are in. */
    list: async (page: PageParams = {}): Promise<Paginated<ChannelListItem>> => {
      const channels = await this.http.requestPage<ChannelListItem>('/api/channels', page, 100);
      // Positions to catch up from after a reconnect.
      for (const channel of channels.items) this.track(channel.id, channel.last_seq);
      return channels;
    },
    /** A page of the app's channels, newest first, each with whether you are in it. */
    discover: (page: PageParams = {}) => this.http.requestPage<DiscoverChannel>('/api/channels/discover', page, 100),
    get: (channelId: string) => this.http.request<ChannelDetails>('GET', `/api/channels/${encodeURIComponent(channelId)}`),
    join: (channelId: string) =>
      this.http.request<{ message: string }>('POST', `/api/channels/${encodeURIComponent(channelId)}/join`),
    /**
     * Leaves the channel: every connection of the user stops getting its events, and this client
     * stops catching it up. Leaving a channel you are not in is not an error.
     */
    leave: async (channelId: string) => {
      const result = await this.http.request<{ message: string }>('POST', `/api/channels/${encodeURIComponent(channelId)}/leave`);
      this.forget(channelId);
      return result;
    },
    /**
     * Renames the channel or changes its description, metadata or slow mode (owners, app admins);
     * members hear `channel.updated`.
     */
    update: (
      channelId: string,
      changes: { name?: string; description?: string | null; metadata?: JsonObject; slow_mode_seconds?: number },
    ) => this.http.request<Channel>('PATCH', `/api/channels/${encodeURIComponent(channelId)}`, changes),
    /** Deletes the channel (owners, app admins): members hear `channel.deleted`; it answers 404 from then on. */
    delete: async (channelId: string) => {
      const result = await this.http.request<{ message: string }>('DELETE', `/api/channels/${encodeURIComponent(channelId)}`);
      this.forget(channelId);
      return result;
    },
    /** Removes a member (moderators, owners, app admins); the channel hears `member.removed`. */
    removeMember: (channelId: string, userId: string) =>
      this.http.request<{ message: string }>(
        'DELETE',
        `/api/channels/${encodeURIComponent(channelId)}/members/${encodeURIComponent(userId)}`,
      ),
    /** Sets a member's role (owners, app admins); the channel hears `member.updated`. */
    setMemberRole: (channelId: string, userId: string, role: MemberRole) =>
      this.http.request<{ message: string }>(
        'PATCH',
        `/api/channels/${encodeURIComponent(channelId)}/members/${encodeURIComponent(userId)}`,
        { role },
      ),
    addMember: (channelId: string, userId: string) =>
      this.http.request<{ message: string }>('POST', `/api/channels/${encodeURIComponent(channelId)}/members`, {
        user_id: userId,
      }),
    /** A page of the channel's pinned messages, newest pin first (`limit` default 100). */
    pins: (channelId: string, page: PageParams = {}) =>
      this.http.requestPage<ListedMessage>(`/api/channels/${encodeURIComponent(channelId)}/pins`, page, 100),
    /** Marks the channel read up to `seq` (the newest when omitted); the user's other devices hear of it. */
    markRead: async (channelId: string, seq?: number): Promise<ReadState> => {
      if (this.connection.connected) return this.connection.request<ReadState>('channel.read', { channelId, seq });
      const result = await this.http.request<MarkReadResponse>(
        'POST',
        `/api/channels/${encodeURIComponent(channelId)}/read`,
        seq === undefined ? {} : { seq },
      );
      return { channelId, lastReadSeq: result.last_read_seq, unreadCount: result.unread_count };
    },
  };

  /** Channel bans and mutes (moderators, owners, app admins). */
  readonly moderation = {
    /** Bans a user from the channel: their membership ends; the channel hears `member.banned`. */
    ban: (channelId: string, userId: string, options: RestrictionOptions = {}) =>
      this.http.request<Restriction>('POST', `/api/channels/${encodeURIComponent(channelId)}/bans`, restrictionBody(userId, options)),
    unban: (channelId: string, userId: string) =>
      this.http.request<{ message: string }>(
        'DELETE',
        `/api/channels/${encodeURIComponent(channelId)}/bans/${encodeURIComponent(userId)}`,
      ),
    bans: (channelId: string, page: PageParams = {}) =>
      this.http.requestPage<Restriction>(`/api/channels/${encodeURIComponent(channelId)}/bans`, page, 100),
    /** Mutes a member: they read but cannot send, edit, react or type; the channel hears `member.muted`. */
    mute: (channelId: string, userId: string, options: Omit<RestrictionOptions, 'reason'> = {}) =>
      this.http.request<Restriction>('POST', `/api/channels/${encodeURIComponent(channelId)}/mutes`, restrictionBody(userId, options)),
    unmute: (channelId: string, userId: string) =>
      this.http.request<{ message: string }>(
        'DELETE',
        `/api/channels/${encodeURIComponent(channelId)}/mutes/${encodeURIComponent(userId)}`,
      ),
    mutes: (channelId: string, page: PageParams = {}) =>
      this.http.requestPage<Restriction>(`/api/channels/${encodeURIComponent(channelId)}/mutes`, page, 100),
  };

  readonly auth = {
    /** What this client's token proves (user, app, role, expiry), checked by the server now. */
    verify: () => this.http.request<VerifyResponse>('GET', '/api/auth/verify'),
  };

  readonly messages = {
    /**
     * Sends over the socket when connected, over REST otherwise or when the ack does
     * not come, with one `clientId` either way: a retry never sends twice.
     */
    send: async (channelId: string, text: string | null, options: SendOptions = {}): Promise<Message> => {
      // One clientId for every try: a send the server stored but whose answer was lost is returned, not stored again.
      const withId = { ...options, clientId: options.clientId ?? newClientId() };
      for (let attempt = 1; ; attempt++) {
        try {
          const message = await this.sendOnce(channelId, text, withId);
          // Its broadcast (or a catch-up after connecting) delivers it to message.new.
          this.track(channelId, message.seq - 1);
          return message;
        } catch (error) {
          if (!(error instanceof UnavailableError) || attempt > this.sendRetries) throw error;
          await new Promise((resolve) => setTimeout(resolve, retryDelayMs(error, attempt)));
        }
      }
    },
    /** History, oldest first: the newest `limit` before `before`, or with `afterSeq` what follows a seq. */
    list: async (channelId: string, options: { limit?: number; before?: string; afterSeq?: number } = {}) => {
      const messages = await this.http.request<ListedMessage[]>(
        'GET',
        `/api/channels/${encodeURIComponent(channelId)}/messages${query({
          limit: options.limit,
          before: options.before,
          after_seq: options.afterSeq,
        })}`,
      );
      const newest = messages.at(-1);
      if (newest && !options.before && options.afterSeq === undefined) this.track(channelId, newest.seq);
      return messages;
    },
    /**
     * Numbered pages of the history, newest page first (each oldest first), with the channel's
     * live messages as `total`: for showing "page 3 of 12". A live view pages with `list`'s
     * `before`, which no new message shifts.
     */
    page: (channelId: string, page: PageParams = {}) =>
      this.http.requestPage<ListedMessage>(`/api/channels/${encodeURIComponent(channelId)}/messages`, { page: 1, ...page }, 50),
    /**
     * One catch-up page over REST (`GET /api/channels/:id/sync`): with `afterVersion`, the changes since
     * it, then the messages after `afterSeq`. The client catches up by itself on every (re)connect and
     * delivers the results to your handlers; this is for code that keeps its own state without a socket.
     */
    sync: (channelId: string, options: { afterSeq: number; afterVersion?: number; limit?: number }) =>
      this.http.request<SyncResult>(
        'GET',
        `/api/channels/${encodeURIComponent(channelId)}/sync${query({
          after_seq: options.afterSeq,
          after_version: options.afterVersion,
          limit: options.limit,
        })}`,
      ),
    /** Edits your own message (attachments and metadata replaced when given); members hear `message.updated`. */
    update: async (
      channelId: string,
      messageId: string,
      text: string,
      options: { attachments?: Attachment[]; metadata?: JsonObject } = {},
    ): Promise<Message> => {
      if (this.connection.connected) {
        return (await this.connection.request<{ message: Message }>('message.update', { channelId, messageId, text, ...options })).message;
      }
      return this.http.request<Message>('PATCH', this.messagePath(channelId, messageId), { text, ...options });
    },
    delete: (channelId: string, messageId: string) =>
      this.http.request<{ message: string }>('DELETE', this.messagePath(channelId, messageId)),
    /**
     * A thread's replies, paged like `list`: the newest `limit`, oldest first; page back with
     * `before` (the oldest `created_at` you hold). Send a reply with `send(…, { parentId })`.
     */
    replies: (channelId: string, messageId: string, options: { limit?: number; before?: string } = {}) =>
      this.http.request<ListedMessage[]>(
        'GET',
        `${this.messagePath(channelId, messageId)}/replies${query({ limit: options.limit, before: options.before })}`,
      ),
    /** Pins a message (owners, moderators, app admins); the channel hears `message.pinned`. Pinning twice is not an error. */
    pin: (channelId: string, messageId: string) => this.http.request<Message>('POST', `${this.messagePath(channelId, messageId)}/pin`),
    /** Unpins a message; the channel hears `message.unpinned`. Unpinning a message that is not pinned is not an error. */
    unpin: (channelId: string, messageId: string) => this.http.request<Message>('DELETE', `${this.messagePath(channelId, messageId)}/pin`),
  };

  private messagePath(channelId: string, messageId: string): string {
    return `/api/channels/${encodeURIComponent(channelId)}/messages/${encodeURIComponent(messageId)}`;
  }

  readonly reactions = {
    add: (channelId: string, messageId: string, type: string) => this.changeReaction('add', channelId, messageId, type),
    remove: (channelId: string, messageId: string, type: string) =>
      this.changeReaction('remove', channelId, messageId, type),
  };

  /** Typing indicators are best effort: nothing is sent while disconnected. */
  readonly typing = {
    start: (channelId: string) => this.connection.send('typing.start', { channelId }),
    stop: (channelId: string) => this.connection.send('typing.stop', { channelId }),
  };

  /**
   * Sends over the socket when connected (acknowledged after it is stored), over
   * REST otherwise or when the ack does not come. The same `clientId` travels both
   * ways, so a fallback after a lost ack never sends the message twice.
   */
  private async sendOnce(channelId: string, text: string | null, options: SendOptions): Promise<Message> {
    const clientId = options.clientId ?? newClientId();
    const { attachments, metadata, parentId } = options;
    if (this.connection.connected) {
      try {
        const ack = await this.connection.request<{ message: Message }>('message.send', {
          channelId,
          text,
          clientId,
          ...(attachments ? { attachments } : {}),
          ...(metadata ? { metadata } : {}),
          ...(parentId !== undefined ? { parentId } : {}),
        });
        return ack.message;
      } catch (error) {
        if (!(error instanceof WebSocketError)) throw error;
      }
    }
    return this.http.request<Message>('POST', `/api/channels/${encodeURIComponent(channelId)}/messages`, {
      text,
      client_id: clientId,
      ...(attachments ? { attachments } : {}),
      ...(metadata ? { metadata } : {}),
      ...(parentId !== undefined ? { parent_id: parentId } : {}),
    });
  }

  private async changeReaction(op: 'add' | 'remove', channelId: string, messageId: string, type: string): Promise<void> {
    const path = `/api/channels/${encodeURIComponent(channelId)}/messages/${encodeURIComponent(messageId)}/reactions`;
    if (op === 'add') await this.http.request('POST', path, { type });
    else await this.http.request('DELETE', `${path}/${encodeURIComponent(type)}`);
  }

  /** Starts tracking a channel the app holds up to `seq` (if not tracked yet). */
  private track(channelId: string, seq: number): void {
    this.sequencer.observe(channelId, seq);
    this.learnVersion(channelId);
  }

  /**
   * A channel tracked while connected learns its version at once (a catch-up that names none), so
   * the catch-up after a disconnect has one to start from; on connect, every channel catches up.
   */
  private learnVersion(channelId: string): void {
    if (this.connection.connected && this.changes.version(channelId) === undefined) void this.catchUp(channelId);
  }

  private forget(channelId: string): void {
    this.sequencer.forget(channelId);
    this.changes.forget(channelId);
  }

  /** Catches up every channel the client has a position in. */
  private async catchUpAll(): Promise<void> {
    await Promise.all(this.sequencer.channels().map((channelId) => this.catchUp(channelId)));
  }

  /** Fetches what follows the channel's position until nothing more; one run per channel at a time. */
  private catchUp(channelId: string): Promise<void> {
    const running = this.syncing.get(channelId);
    if (running) return running;
    const run = (async () => {
      try {
        for (let hasMore = true; hasMore; ) {
          const afterSeq = this.sequencer.position(channelId);
          if (afterSeq === undefined) return;
          const afterVersion = this.changes.version(channelId);
          const page = await this.connection.request<SyncResult>('messages.sync', {
            channelId,
            afterSeq,
            ...(afterVersion === undefined ? {} : { afterVersion }),
          });
          // The changes to what the app holds first, then what follows it.
          if (afterVersion === undefined) this.changes.learned(channelId, page.version);
          else this.changes.caughtUp(channelId, page.changes as ChannelChange[], page.version);
          page.messages.forEach((message) => this.sequencer.receive(message));
          hasMore = page.hasMore;
        }
      } catch (error) {
        if (error instanceof HeyyoError && error.code === ErrorCodes.RESYNC_REQUIRED) {
          this.forget(channelId);
          this.events.emit('reset', { channelId });
        } else if (!(error instanceof WebSocketError)) {
          // A socket failure is retried by the next connect's catch-up.
          this.events.emit('error', error as Error);
        }
      } finally {
        this.syncing.delete(channelId);
      }
    })();
    this.syncing.set(channelId, run);
    return run;
  }
}
