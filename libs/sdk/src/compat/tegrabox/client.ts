import { AuthAPI } from './auth.ts';
import { ValidationError } from './errors.ts';
import { MessagesAPI } from './messages.ts';
import { RoomsAPI } from './rooms.ts';
import { defaultBaseUrl, splitApiKey, trimSlash, type Session } from './session.ts';
import { ChatSocket } from './socket.ts';
import { UsersAPI } from './users.ts';

export interface ChatClientOptions {
  /**
   * The Heyyo server's origin (REST under /api, Socket.IO on the same origin).
   * @defaultValue `process.env.HEYYO_URL` in Node, else `'http://localhost:4000'`
   */
  baseUrl?: string;
  /**
   * The app's server credentials, for users, rooms and messages: `"<api_key>:<api_secret>"`
   * (Heyyo checks both), or the key alone with `apiSecret`. Server-side only.
   */
  apiKey?: string;
  /** The app's `cbs_…` secret, when `apiKey` is the key alone. Server-side only. */
  apiSecret?: string;
  /** A user JWT (from `users.generateToken()`), for the socket, `auth.verify()` and `rooms.join/leave`. */
  jwtToken?: string;
  /** A fetch implementation (tests, older runtimes). @defaultValue globalThis.fetch */
  fetch?: typeof fetch;
}

/**
 * @tegrabox/chat-sdk's client on Heyyo: the same constructor options, namespaces, method names
 * and fields, so a migration changes the import line (and the credentials it is given).
 */
export class ChatClient {
  private readonly session: Session;
  readonly users: UsersAPI;
  readonly rooms: RoomsAPI;
  readonly messages: MessagesAPI;
  readonly auth: AuthAPI;
  readonly socket: ChatSocket;

  constructor(options: ChatClientOptions) {
    if (!options.apiKey && !options.jwtToken) throw new ValidationError('ChatClient needs an apiKey, a jwtToken, or both', 0);
    this.session = {
      baseUrl: trimSlash(options.baseUrl ?? defaultBaseUrl()),
      ...splitApiKey(options.apiKey || undefined, options.apiSecret),
      jwtToken: options.jwtToken || undefined,
      fetch: options.fetch,
    };
    this.users = new UsersAPI(this.session);
    this.rooms = new RoomsAPI(this.session);
    this.messages = new MessagesAPI(this.session);
    this.auth = new AuthAPI(this.session);
    this.socket = new ChatSocket(this.session);
  }

  /** Talks to another server from the next call on (the socket: from its next connect()). */
  setBaseUrl(baseUrl: string): void {
    this.session.baseUrl = trimSlash(baseUrl);
  }

  /** Uses this user JWT from the next call on (the socket: from its next connect()). */
  setJwtToken(jwtToken: string): void {
    this.session.jwtToken = jwtToken;
  }
}
