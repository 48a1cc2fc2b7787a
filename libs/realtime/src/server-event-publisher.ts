import { channelRoom, userRoom } from '@heyyo/contracts';
import type { EventPublisher } from '@heyyo/chat';

/** The part of a Socket.IO server the publisher uses. */
interface RoomBroadcast {
  except(room: string): RoomBroadcast;
  emit(event: string, ...payload: unknown[]): unknown;
  socketsJoin(room: string): void;
}
export interface SocketServer {
  to(room: string | string[]): RoomBroadcast;
  in(room: string): RoomBroadcast;
}

/**
 * Publishes through this process's own Socket.IO server: the memory engine's publisher
 * (one node, no Redis). Events before the gateway is attached reach no one, as no socket
 * can be connected yet.
 */
export function createServerEventPublisher(): EventPublisher & { attach(server: SocketServer): void } {
  let server: SocketServer | undefined;
  return {
    attach(attached) {
      server = attached;
    },
    toChannel(channelId, event, payload, exceptUserId) {
      const target = server?.to(channelRoom(channelId));
      (exceptUserId ? target?.except(userRoom(exceptUserId)) : target)?.emit(event, payload);
    },
    toChannels(channelIds, event, payload) {
      if (channelIds.length > 0) server?.to(channelIds.map(channelRoom)).emit(event, payload);
    },
    toUser(userId, event, payload) {
      server?.to(userRoom(userId)).emit(event, payload);
    },
    joinChannel(userId, channelId) {
      server?.in(userRoom(userId)).socketsJoin(channelRoom(channelId));
    },
  };
}
