import { ServerEvents } from '@heyyo/contracts';
import { checkShape, compileValidator } from '@heyyo/contracts/validation';
import type { Logger } from '@heyyo/logging';
import type { GatewaySocket } from './types.ts';

/** setTimeout's longest delay (about 24.8 days); a token may live longer (HEYYO_TOKEN_MAX_TTL_SECONDS). */
const MAX_TIMER_MS = 2 ** 31 - 1;

/** One timer per socket: first until its token expires, then until its grace runs out. */
export interface TokenExpiryTimers {
  /**
   * (Re)starts the socket's timer from `socket.data.tokenExpiresAtMs`: at the expiry the socket
   * gets `auth.expired`, and `graceMs` later it is disconnected. On connect and on `auth.refresh`.
   */
  watch(socket: GatewaySocket): void;
  /** Clears the socket's timer (on disconnect). */
  forget(socket: GatewaySocket): void;
}

export function createTokenExpiryTimers(options: { graceMs: number; logger: Logger; checkOutgoing: boolean }): TokenExpiryTimers {
  const { graceMs, logger } = options;
  const timers = new Map<GatewaySocket, NodeJS.Timeout>();
  const validate = options.checkOutgoing ? compileValidator(ServerEvents['auth.expired'].payload, 'response') : undefined;

  const after = (socket: GatewaySocket, delayMs: number, then: () => void) => {
    const timer = setTimeout(() => {
      timers.delete(socket);
      then();
    }, Math.max(0, Math.min(delayMs, MAX_TIMER_MS)));
    // A socket's deadline must not keep a stopping process alive.
    timer.unref();
    timers.set(socket, timer);
  };

  const forget = (socket: GatewaySocket) => {
    clearTimeout(timers.get(socket));
    timers.delete(socket);
  };

  const watch = (socket: GatewaySocket) => {
    forget(socket);
    if (!socket.connected) return;
    const expiresAtMs = socket.data.tokenExpiresAtMs;
    const untilExpiry = expiresAtMs - Date.now();
    // Too far off for one timer: look again when this one ends.
    if (untilExpiry > MAX_TIMER_MS) return after(socket, MAX_TIMER_MS, () => watch(socket));
    after(socket, untilExpiry, () => {
      if (!socket.connected) return;
      const payload = { expiresAt: new Date(expiresAtMs).toISOString(), graceMs };
      const drift = validate && checkShape(validate, payload, 'response');
      // Loud, but not thrown: a timer's exception would end the process.
      if (drift) logger.error({ drift }, 'the auth.expired event does not match its contract');
      else socket.emit('auth.expired', payload);
      after(socket, graceMs, () => {
        logger.info({ socketId: socket.id, userId: socket.data.actor.userId }, 'token expired and not refreshed: disconnecting');
        socket.disconnect(true);
      });
    });
  };

  return { watch, forget };
}
