/**
 * `client.socket`: tegrabox's room-by-room socket on the Heyyo client, which brings reconnection,
 * token-checked handshakes and exactly-once, in-order `message.new` across reconnects.
 */
import { ErrorCodes, type MemberJoinedEvent, type TypingEvent } from '@heyyo/contracts';
import { HeyyoClient } from '../../client.ts';
import { Emitter } from '../../emitter.ts';
import { decodeClaims } from '../../tokens.ts';
import { AuthenticationError, WebSocketError, toCompatError } from './errors.ts';
import { toMessage, toRoomUserEvent } from './mapping.ts';
import type { Session } from './session.ts';
import type { Message, RoomUserEvent } from './types.ts';

interface SocketEvents {
  message: (message: Message) => void;
  userJoined: (event: RoomUserEvent) => void;
  userLeft: (event: RoomUserEvent) => void;
  userTyping: (event: RoomUserEvent) => void;
  userStoppedTyping: (event: RoomUserEvent) => void;
  error: (error: Error) => void;
  connect: () => void;
  /** `reconnecting` while the client tries again by itself, `disconnected` after `disconnect()`. */
  disconnect: (reason: 'reconnecting' | 'disconnected') => void;
}

/** Every `on…` returns the function that removes the callback. */
type Unsubscribe = () => void;

export class ChatSocket {
  private readonly events = new Emitter<SocketEvents>();
  /** Rooms joined on this client with joinRoom(): room events are delivered for these only, as tegrabox's server did. */
  private readonly rooms = new Set<string>();
  private heyyo: { client: HeyyoClient; token: string; url: string } | undefined;
  private ready: Promise<void> | undefined;
  private wasConnected = false;

  constructor(private readonly session: Session) {}

  /**
   * Opens the socket with `jwtToken` (resolves once connected; a failure also goes to `onError`,
   * and the client keeps retrying with backoff). A token set since the last connect is used.
   */
  connect(): Promise<void> {
    const token = this.session.jwtToken;
    if (!token) throw new WebSocketError('client.socket.connect() needs a jwtToken (new ChatClient({ jwtToken }) or setJwtToken())', 0);
    if (this.heyyo && (this.heyyo.token !== token || this.heyyo.url !== this.session.baseUrl)) {
      // A client holds one token and one server: setJwtToken() or setBaseUrl() since, a new one.
      this.disconnect();
      this.heyyo = undefined;
    }
    this.heyyo ??= { client: this.open(token), token, url: this.session.baseUrl };
    this.ready = this.reported(this.heyyo.client.connect());
    return this.ready;
  }

  /** Closes the socket; rooms must be joined again after the next connect, as on tegrabox. */
  disconnect(): void {
    this.heyyo?.client.disconnect();
    this.ready = undefined;
    this.rooms.clear();
  }

  get connected(): boolean {
    return this.heyyo?.client.connected ?? false;
  }

  /**
   * Starts delivering the room's events to this client's callbacks, making the token's user a
   * member first if they are not (Heyyo's sockets hear every room of their user; tegrabox's heard
   * the joined ones). Resolves once events of the room reach the callbacks.
   */
  joinRoom(roomId: string): Promise<void> {
    return this.whenConnected(async (client) => {
      // Delivered from before the join, so nothing of the room's between join and answer is dropped.
      this.rooms.add(roomId);
      try {
        await client.channels.join(roomId);
      } catch (error) {
        this.rooms.delete(roomId);
        throw error;
      }
      // Starts the client's catch-up of the room from its newest message: one sent while the
      // socket was being added to the room is delivered from there rather than lost.
      await client.messages.list(roomId, { limit: 1 });
    });
  }

  /** Stops delivering the room's events to this client. The user stays a member: `rooms.leave()` ends that. */
  leaveRoom(roomId: string): void {
    this.rooms.delete(roomId);
  }

  /** Sends over the socket (over REST while it reconnects), stored once even when retried. */
  sendMessage(roomId: string, content: string): Promise<Message> {
    return this.whenConnected(async (client) => toMessage(await client.messages.send(roomId, content)));
  }

  startTyping(roomId: string): Promise<void> {
    return this.whenConnected(async (client) => client.typing.start(roomId));
  }

  stopTyping(roomId: string): Promise<void> {
    return this.whenConnected(async (client) => client.typing.stop(roomId));
  }

  onMessage(callback: SocketEvents['message']): Unsubscribe {
    return this.subscribe('message', callback);
  }
  onUserJoined(callback: SocketEvents['userJoined']): Unsubscribe {
    return this.subscribe('userJoined', callback);
  }
  onUserLeft(callback: SocketEvents['userLeft']): Unsubscribe {
    return this.subscribe('userLeft', callback);
  }
  onUserTyping(callback: SocketEvents['userTyping']): Unsubscribe {
    return this.subscribe('userTyping', callback);
  }
  onUserStoppedTyping(callback: SocketEvents['userStoppedTyping']): Unsubscribe {
    return this.subscribe('userStoppedTyping', callback);
  }
  /** Connection failures, refused socket events and failed calls of this socket, as tegrabox error classes. */
  onError(callback: SocketEvents['error']): Unsubscribe {
    return this.subscribe('error', callback);
  }
  onConnect(callback: SocketEvents['connect']): Unsubscribe {
    return this.subscribe('connect', callback);
  }
  onDisconnect(callback: SocketEvents['disconnect']): Unsubscribe {
    return this.subscribe('disconnect', callback);
  }

  private subscribe<E extends keyof SocketEvents>(event: E, callback: SocketEvents[E]): Unsubscribe {
    this.events.on(event, callback);
    return () => this.events.off(event, callback);
  }

  private open(token: string): HeyyoClient {
    const client = new HeyyoClient({
      apiUrl: this.session.baseUrl,
      token,
      // setJwtToken() renews the open socket: when its token expires (auth.expired) or a handshake
      // is refused, the client takes the token of that moment, if it has not expired, and keeps its rooms.
      tokenProvider: async () => {
        const current = this.session.jwtToken;
        const exp = current ? decodeClaims(current)?.exp : undefined;
        if (!current || (exp !== undefined && exp * 1000 <= Date.now())) {
          throw new AuthenticationError('The jwtToken has expired: call client.setJwtToken() with a new one', 401, ErrorCodes.TOKEN_EXPIRED);
        }
        return current;
      },
      autoConnect: false,
      ...(this.session.fetch ? { fetch: this.session.fetch } : {}),
    });
    const inRoom = (channelId: string) => this.rooms.has(channelId);
    const relay = (event: 'userJoined' | 'userLeft' | 'userTyping' | 'userStoppedTyping') => (payload: MemberJoinedEvent | TypingEvent) => {
      if (inRoom(payload.channelId)) this.events.emit(event, toRoomUserEvent(payload));
    };
    client.on('message.new', (message) => {
      if (inRoom(message.channel_id)) this.events.emit('message', toMessage(message));
    });
    client.on('member.joined', relay('userJoined'));
    client.on('member.left', relay('userLeft'));
    client.on('typing.start', relay('userTyping'));
    client.on('typing.stop', relay('userStoppedTyping'));
    client.on('error', (error) => this.events.emit('error', toCompatError(error)));
    client.on('connection.changed', ({ state }) => {
      if (state === 'connected') {
        this.wasConnected = true;
        this.events.emit('connect', undefined);
      } else if (this.wasConnected && (state === 'reconnecting' || state === 'disconnected')) {
        this.wasConnected = false;
        this.events.emit('disconnect', state);
      }
    });
    return client;
  }

  /** Runs `action` once connected (calls made right after connect() wait for it); see reported(). */
  private whenConnected<T>(action: (client: HeyyoClient) => Promise<T>): Promise<T> {
    const { ready, heyyo } = this;
    if (!ready || !heyyo) return this.reported(Promise.reject(new WebSocketError('Not connected: call client.socket.connect() first', 0)));
    return this.reported(ready.then(() => action(heyyo.client)));
  }

  /**
   * Failures as tegrabox errors, also sent to `onError`: tegrabox's socket calls returned nothing,
   * so code that does not await them still hears of a failure, and never of an unhandled rejection.
   */
  private reported<T>(promise: Promise<T>): Promise<T> {
    const converted = promise.catch((error: unknown) => {
      throw toCompatError(error);
    });
    converted.catch((error: Error) => this.events.emit('error', error));
    return converted;
  }
}
