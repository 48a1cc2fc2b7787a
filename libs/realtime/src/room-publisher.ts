import { channelRoom, userRoom } from '@heyyo/contracts';
import type { EventPublisher } from './publisher.ts';

/** The part of a Socket.IO server, or of a Redis emitter, that publishing uses. */
interface RoomBroadcast {
  except(room: string): RoomBroadcast;
  emit(event: string, ...payload: unknown[]): unknown;
  socketsJoin(room: string): void;
  socketsLeave(room: string): void;
  /** This node's sockets only, at once (a Socket.IO server has it; an emitter has no sockets). */
  readonly local?: RoomBroadcast;
}
export interface SocketServer {
  to(room: string | string[]): RoomBroadcast;
  in(room: string): RoomBroadcast;
}

/**
 * Domain events to Socket.IO rooms, through whatever `target()` returns: the Redis emitter
 * (every gateway), or a node's own server (the memory engine). Nothing is sent while it
 * returns undefined (no server attached yet, so no socket to reach).
 *
 * Never throws: an event follows a change that is already committed, so a failure to encode
 * or send it (reported to `onError`) must not turn the caller's success into an error the
 * client would retry into a duplicate. Clients catch up on what they missed by seq.
 */
export function createRoomPublisher(
  target: () => SocketServer | undefined,
  onError: (error: unknown, event: string) => void,
): EventPublisher {
  const safely = (event: string, send: () => void) => {
    try {
      send();
    } catch (error) {
      onError(error, event);
    }
  };
  return {
    toChannel(channelId, event, payload, exceptUserId) {
      safely(event, () => {
        const room = target()?.to(channelRoom(channelId));
        (exceptUserId ? room?.except(userRoom(exceptUserId)) : room)?.emit(event, payload);
      });
    },
    toChannels(channelIds, event, payload) {
      if (channelIds.length > 0) safely(event, () => target()?.to(channelIds.map(channelRoom)).emit(event, payload));
    },
    toUser(userId, event, payload) {
      safely(event, () => target()?.to(userRoom(userId)).emit(event, payload));
    },
    joinChannel(userId, channelId) {
      safely('socketsJoin', () => target()?.in(userRoom(userId)).socketsJoin(channelRoom(channelId)));
    },
    leaveChannel(userId, channelId) {
      safely('socketsLeave', () => {
        const connections = target()?.in(userRoom(userId));
        // The Redis adapter applies a cluster-wide leave when its own request comes back from
        // Redis, after any event published meanwhile has reached this node's sockets: leave here
        // first. Elsewhere the request and later events travel in order on one connection.
        connections?.local?.socketsLeave(channelRoom(channelId));
        connections?.socketsLeave(channelRoom(channelId));
      });
    },
    closeChannel(channelId) {
      // No local leave first (unlike leaveChannel): the room's last event, published just before,
      // reaches this node's sockets through Redis too, and must find them still in the room.
      safely('socketsLeave', () => target()?.in(channelRoom(channelId)).socketsLeave(channelRoom(channelId)));
    },
  };
}
