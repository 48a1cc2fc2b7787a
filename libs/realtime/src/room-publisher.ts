import { channelRoom, userRoom } from '@heyyo/contracts';
import type { EventPublisher } from './publisher.ts';

/** The part of a Socket.IO server, or of a Redis emitter, that publishing uses. */
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
 * Domain events to Socket.IO rooms, through whatever `target()` returns: the Redis emitter
 * (every gateway), or a node's own server (the memory engine). Nothing is sent while it
 * returns undefined (no server attached yet, so no socket to reach).
 */
export function createRoomPublisher(target: () => SocketServer | undefined): EventPublisher {
  return {
    toChannel(channelId, event, payload, exceptUserId) {
      const room = target()?.to(channelRoom(channelId));
      (exceptUserId ? room?.except(userRoom(exceptUserId)) : room)?.emit(event, payload);
    },
    toChannels(channelIds, event, payload) {
      if (channelIds.length > 0) target()?.to(channelIds.map(channelRoom)).emit(event, payload);
    },
    toUser(userId, event, payload) {
      target()?.to(userRoom(userId)).emit(event, payload);
    },
    joinChannel(userId, channelId) {
      target()?.in(userRoom(userId)).socketsJoin(channelRoom(channelId));
    },
  };
}
