import { io, type Socket } from 'socket.io-client';
import { ErrorCodes, type ClientToServerEvents, type ServerToClientEvents } from '@heyyo/contracts';
import { AuthenticationError, errorFromAck, isTokenError, WebSocketError } from './errors.ts';
import { decodeClaims, type TokenManager } from './tokens.ts';

export type ConnectionState = 'disconnected' | 'connecting' | 'connected' | 'reconnecting';

type ClientSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

export interface ConnectionOptions {
  /** Gateway URLs; reconnects move to the next one (a load balancer's single URL is fine). */
  urls: string[];
  tokens: TokenManager;
  transports?: ('websocket' | 'polling')[];
  /** How long an acknowledgement may take. @defaultValue 10000 */
  ackTimeoutMs?: number;
  /** Called with every new socket, before it connects, to attach event listeners. */
  onSocket: (socket: ClientSocket) => void;
  /** Runs after every successful (re)connect: catch-up goes here. */
  onConnected: () => Promise<void>;
  onState: (state: ConnectionState) => void;
  onError: (error: Error) => void;
}

const TOKEN_REJECTIONS = ['Invalid token', 'Authentication required'];
const MAX_BACKOFF_MS = 5000;

/**
 * One Socket.IO connection with its own reconnect loop: backoff with jitter,
 * rotation over the gateway URLs, a fresh token after `Invalid token` (and over the
 * live socket when the server says `auth.expired`), and a catch-up after every connect.
 */
export class Connection {
  private socket: ClientSocket | undefined;
  private wanted = false;
  private attempt = 0;
  private urlIndex = 0;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  private state: ConnectionState = 'disconnected';
  private readonly waiters = new Set<{ resolve: () => void; reject: (error: Error) => void }>();

  constructor(private readonly options: ConnectionOptions) {}

  /** True once connect() was called, until disconnect(). */
  get started(): boolean {
    return this.wanted;
  }

  get connected(): boolean {
    return this.state === 'connected' && this.socket?.connected === true;
  }

  /** Resolves once connected (or rejects if `disconnect()` is called first). */
  connect(): Promise<void> {
    if (this.connected) return Promise.resolve();
    const ready = new Promise<void>((resolve, reject) => this.waiters.add({ resolve, reject }));
    if (!this.wanted) {
      this.wanted = true;
      this.open('connecting');
    }
    return ready;
  }

  disconnect(): void {
    this.wanted = false;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.socket?.removeAllListeners();
    this.socket?.disconnect();
    this.socket = undefined;
    this.setState('disconnected');
    for (const waiter of this.waiters) waiter.reject(new WebSocketError('Disconnected', 0));
    this.waiters.clear();
  }

  /** Emits and resolves with the acknowledgement; typed errors for `{ error }` acks and timeouts. */
  async request<T>(event: keyof ClientToServerEvents, payload: unknown): Promise<T> {
    // The socket, not the state: catch-up runs on a connected socket before the state says so.
    return this.requestOn<T>(this.socket, event, payload);
  }

  private async requestOn<T>(socket: ClientSocket | undefined, event: keyof ClientToServerEvents, payload: unknown): Promise<T> {
    if (!socket?.connected) throw new WebSocketError('Not connected', 0);
    let ack: unknown;
    try {
      ack = await (socket.timeout(this.options.ackTimeoutMs ?? 10_000) as unknown as {
        emitWithAck(event: string, payload: unknown): Promise<unknown>;
      }).emitWithAck(event, payload);
    } catch {
      throw new WebSocketError(`No acknowledgement for ${event}`, 0);
    }
    if (ack && typeof ack === 'object' && 'error' in ack) throw errorFromAck(ack as { error: string; code?: string });
    return ack as T;
  }

  /** Fire-and-forget emit (typing): dropped when not connected. */
  send(event: keyof ClientToServerEvents, payload: unknown): void {
    if (this.connected) (this.socket as unknown as { emit(event: string, payload: unknown): void }).emit(event, payload);
  }

  private open(state: 'connecting' | 'reconnecting'): void {
    this.setState(state);
    const url = this.options.urls[this.urlIndex % this.options.urls.length]!;
    const socket: ClientSocket = io(url, {
      // A function: every handshake uses the token of that moment.
      auth: (callback) => void this.options.tokens.current().then((token) => callback({ token }), () => callback({})),
      transports: this.options.transports ?? ['websocket', 'polling'],
      reconnection: false,
      forceNew: true,
    });
    this.socket = socket;
    this.options.onSocket(socket);
    socket.on('auth.expired', ({ expiresAt }) => void this.renewToken(socket, expiresAt));

    socket.on('connect', () => {
      this.attempt = 0;
      void this.options
        .onConnected()
        .catch((error: unknown) => this.options.onError(error as Error))
        .finally(() => {
          if (this.socket !== socket || !socket.connected) return;
          this.setState('connected');
          for (const waiter of this.waiters) waiter.resolve();
          this.waiters.clear();
        });
    });
    socket.on('connect_error', (error) => {
      const refusal = () => new WebSocketError(error.message, 0, (error as { data?: { code?: string } }).data?.code);
      if (TOKEN_REJECTIONS.includes(error.message) && this.options.tokens.canRefresh) {
        // An expired or revoked token: fetch a new one, then try again at once. A provider that
        // answers with the token just refused gets the refusal, and the usual backoff.
        const refused = this.options.tokens.held;
        void this.options.tokens.refresh().then(
          (token) => {
            if (token !== refused) return this.retry(socket, 0);
            this.options.onError(refusal());
            this.retry(socket);
          },
          (refreshError: unknown) => {
            this.options.onError(refreshError as Error);
            this.retry(socket);
          },
        );
        return;
      }
      this.options.onError(refusal());
      this.retry(socket);
    });
    socket.on('disconnect', (reason) => {
      if (reason === 'io client disconnect') return;
      this.retry(socket);
    });
  }

  /**
   * Answers `auth.expired` (the socket's token expired; the server disconnects it after a grace):
   * `auth.refresh` with a token that outlives the expired one, from the provider when the one
   * held does not, and once more with a new one if the server refuses it. Without a
   * tokenProvider there is nothing to send: the error says the socket will be disconnected.
   */
  private async renewToken(socket: ClientSocket, expiresAt: string): Promise<void> {
    const { tokens } = this.options;
    try {
      if (!tokens.canRefresh) {
        const message = 'Token expired: no tokenProvider to refresh it, the socket will be disconnected';
        throw new AuthenticationError(message, 403, ErrorCodes.TOKEN_EXPIRED);
      }
      const outlives = (token: string) => (decodeClaims(token)?.exp ?? 0) * 1000 > Date.parse(expiresAt);
      const held = await tokens.current();
      const token = outlives(held) ? held : await tokens.refresh();
      try {
        await this.requestOn(socket, 'auth.refresh', { token });
      } catch (error) {
        if (!isTokenError(error)) throw error;
        await this.requestOn(socket, 'auth.refresh', { token: await tokens.refresh() });
      }
    } catch (error) {
      // A socket already replaced (reconnected) has nothing left to renew.
      if (this.socket === socket) this.options.onError(error as Error);
    }
  }

  /** Schedules the next attempt, on the next URL, unless the app disconnected. */
  private retry(failed: ClientSocket, delayMs?: number): void {
    if (this.socket !== failed || !this.wanted) return;
    failed.removeAllListeners();
    failed.disconnect();
    this.urlIndex++;
    const backoff = delayMs ?? Math.min(MAX_BACKOFF_MS, 250 * 2 ** this.attempt++) * (0.5 + Math.random() / 2);
    this.setState('reconnecting');
    this.retryTimer = setTimeout(() => {
      if (this.wanted) this.open('reconnecting');
    }, backoff);
  }

  private setState(state: ConnectionState): void {
    if (this.state === state) return;
    this.state = state;
    this.options.onState(state);
  }
}
