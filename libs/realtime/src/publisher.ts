import type { ServerEventName, ServerEventPayload } from '@heyyo/contracts';

/**
 * Where domain events leave the process: to Socket.IO rooms on every gateway.
 * Fire-and-forget: an event is published after the change it reports is
 * committed, and a client that misses one catches up by seq.
 *
 * Declared here, beside its implementations (the Redis emitter, a node's own server);
 * @heyyo/chat publishes through it.
 */
export interface EventPublisher {
  /** To every connection in the channel's room, except the connections of `exceptUserId`. */
  toChannel<E extends ServerEventName>(
    channelId: string,
    event: E,
    payload: ServerEventPayload<E>,
    exceptUserId?: string,
  ): void;
  /** Once to every connection in any of these channels' rooms. */
  toChannels<E extends ServerEventName>(channelIds: readonly string[], event: E, payload: ServerEventPayload<E>): void;
  /** To every connection of one user, on every gateway. */
  toUser<E extends ServerEventName>(userId: string, event: E, payload: ServerEventPayload<E>): void;
  /** Puts every live connection of the user, on every gateway, into the channel's room. */
  joinChannel(userId: string, channelId: string): void;
  /** Takes every live connection of the user, on every gateway, out of the channel's room. */
  leaveChannel(userId: string, channelId: string): void;
  /**
   * Takes every connection, on every gateway, out of the channel's room, after whatever was
   * published to the room before (a deleted channel's last event reaches its members).
   */
  closeChannel(channelId: string): void;
}
