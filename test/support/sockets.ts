/** socket.io-client helpers: typed clients, awaiting events, acks with a deadline. */
import { io, type Socket } from 'socket.io-client';
import type { ClientToServerEvents, ServerToClientEvents } from '@heyyo/contracts';

export type ClientSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

export interface ConnectOptions {
  transports?: ('websocket' | 'polling')[];
  /** Reconnect automatically (to `urls` in turn when several are given). @defaultValue false */
  reconnection?: boolean;
  /** HTTP headers of the handshake, e.g. X-Forwarded-For behind a trusted proxy. */
  headers?: Record<string, string>;
}

const open = new Set<ClientSocket>();

/** Connects with `auth.token` and resolves once connected (rejects on connect_error). */
export function connectClient(url: string, token: string | undefined, options: ConnectOptions = {}): Promise<ClientSocket> {
  const socket: ClientSocket = io(url, {
    auth: token === undefined ? {} : { token },
    transports: options.transports ?? ['websocket'],
    reconnection: options.reconnection ?? false,
    forceNew: true,
    timeout: 5000,
    ...(options.headers ? { extraHeaders: options.headers } : {}),
  });
  open.add(socket);
  return new Promise((resolve, reject) => {
    socket.once('connect', () => resolve(socket));
    socket.once('connect_error', (error) => {
      socket.close();
      reject(error);
    });
  });
}

/** Closes every client this file opened. */
export function closeAllClients(): void {
  for (const socket of open) socket.close();
  open.clear();
}

/** The next `event` matching `predicate`, or a rejection after `timeoutMs`. */
export function nextEvent<E extends keyof ServerToClientEvents>(
  socket: ClientSocket,
  event: E,
  predicate: (payload: Parameters<ServerToClientEvents[E]>[0]) => boolean = () => true,
  timeoutMs = 5000,
): Promise<Parameters<ServerToClientEvents[E]>[0]> {
  // The untyped view: socket.io-client's listener types do not narrow over a generic event.
  const untyped = socket as unknown as { on: Function; off: Function };
  return new Promise((resolve, reject) => {
    const listener = (payload: Parameters<ServerToClientEvents[E]>[0]) => {
      if (!predicate(payload)) return;
      clearTimeout(timer);
      untyped.off(event, listener);
      resolve(payload);
    };
    const timer = setTimeout(() => {
      untyped.off(event, listener);
      reject(new Error(`no ${String(event)} within ${timeoutMs} ms`));
    }, timeoutMs);
    untyped.on(event, listener);
  });
}

/** Records every payload of `event` from now on. */
export function record<E extends keyof ServerToClientEvents>(
  socket: ClientSocket,
  event: E,
): Parameters<ServerToClientEvents[E]>[0][] {
  const seen: Parameters<ServerToClientEvents[E]>[0][] = [];
  (socket as unknown as { on: Function }).on(event, (payload: Parameters<ServerToClientEvents[E]>[0]) => seen.push(payload));
  return seen;
}

/** Emits and resolves with the acknowledgement (rejects when none comes in time). */
export function emitWithAck(socket: ClientSocket, event: string, ...args: unknown[]): Promise<any> {
  return (socket.timeout(5000) as unknown as { emitWithAck(event: string, ...args: unknown[]): Promise<unknown> }).emitWithAck(
    event,
    ...args,
  );
}
