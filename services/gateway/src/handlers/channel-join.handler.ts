import { channelRoom } from '@heyyo/contracts';
import type { ChannelsService } from '@heyyo/chat';
import { defineHandler } from '../event-handler.ts';

/** `channel.join`: adds the member and puts this socket (and the user's others) in the room. */
export const channelJoinHandler = (channels: ChannelsService) =>
  defineHandler({
    event: 'channel.join',
    async handle(socket, { channelId }) {
      await channels.join(socket.data.actor, channelId);
      // The service moves every socket of the user through the adapter; joining this one
      // here as well means it is in the room before the ack, not a Redis round trip later.
      await socket.join(channelRoom(channelId));
      return { success: true as const };
    },
  });
