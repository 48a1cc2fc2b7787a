/**
 * The load generator's clients: N Socket.IO clients spread round-robin over gateways. What they
 * send and record is fanout-driver.ts's job.
 */
import { io, type Socket } from 'socket.io-client';
import { onCleanup } from './cleanup.ts';
import { mapLimit } from './processes.ts';

export interface LoadClient {
  index: number;
  socket: Socket;
  /** Channel ids this client is in (by default its sends go to channels[0]). */
  channels: string[];
}

export interface ConnectPlan {
  gatewayUrls: readonly string[];
  count: number;
  /** Handshake auth of client i (Heyyo: `{ token }`; the bare baseline: `{ channels }`). */
  auth(index: number): Record<string, unknown>;
  channelsOf(index: number): string[];
  /** Gateway of client i. @defaultValue round-robin */
  gatewayOf?: (index: number) => number;
  /** Reconnect automatically. @defaultValue false */
  reconnection?: boolean;
  concurrency?: number;
}

export interface ClientPool {
  clients: LoadClient[];
  close(): Promise<void>;
}

/** Connects every client over WebSocket (rejects on the first connect_error). */
export async function connectClients(plan: ConnectPlan): Promise<ClientPool> {
  const sockets = new Set<Socket>();
  const unregister = onCleanup(`${plan.count} load clients`, () => sockets.forEach((socket) => socket.close()));
  const gatewayOf = plan.gatewayOf ?? ((index: number) => index % plan.gatewayUrls.length);
  const clients = await mapLimit(
    Array.from({ length: plan.count }, (_, index) => index),
    plan.concurrency ?? 50,
    (index) =>
      new Promise<LoadClient>((resolve, reject) => {
        const socket = io(plan.gatewayUrls[gatewayOf(index)]!, {
          auth: plan.auth(index),
          transports: ['websocket'],
          reconnection: plan.reconnection ?? false,
          forceNew: true,
          timeout: 20_000,
        });
        sockets.add(socket);
        socket.once('connect', () => resolve({ index, socket, channels: plan.channelsOf(index) }));
        socket.once('connect_error', (error) => reject(new Error(`client ${index}: ${error.message}`)));
      }),
  );
  return {
    clients,
    async close() {
      await unregister();
    },
  };
}
