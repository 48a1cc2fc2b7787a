import type { Logger } from '@heyyo/logging';
import type { PresenceStore } from '@heyyo/realtime';
import type { Announce } from './presence-announcer.ts';
import type { GatewayServer } from './types.ts';

export interface PresenceLoopOptions {
  heartbeatMs: number;
  sweepMs: number;
}

/**
 * Keeps this gateway's connections alive in Redis (one pipeline per beat) and
 * sweeps for users whose connections all expired, on any gateway.
 */
export function startPresenceLoop(
  io: GatewayServer,
  presence: PresenceStore,
  announce: Announce,
  options: PresenceLoopOptions,
  logger: Logger,
) {
  const heartbeat = setInterval(() => {
    const connections = [...io.of('/').sockets.values()].map((socket) => socket.data.presence).filter(Boolean);
    presence
      .refresh(connections)
      .then((revived) => Promise.all(revived.map((who) => announce(who, 'online'))))
      .catch((error: unknown) => logger.warn({ err: error }, 'presence heartbeat failed'));
  }, options.heartbeatMs);

  const sweep = setInterval(() => {
    presence
      .sweep()
      .then((gone) => Promise.all(gone.map((who) => announce(who, 'offline'))))
      .catch((error: unknown) => logger.warn({ err: error }, 'presence sweep failed'));
  }, options.sweepMs);

  heartbeat.unref();
  sweep.unref();
  return {
    stop() {
      clearInterval(heartbeat);
      clearInterval(sweep);
    },
  };
}
