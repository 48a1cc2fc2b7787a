import { channelRoom } from '@heyyo/contracts';
import type { ChannelsService } from '@heyyo/chat';
import { defineHandler } from '../event-handler.ts';

/** `channel.leave`: ends the membership and takes this socket (and the user's others) out of the room. */
export const channelLeaveHandler = (channels: ChannelsService) =>
  defineHandler({
    event: 'channel.leave',
    async handle(socket, { channelId }) {
      await channels.leave(socket.data.actor, channelId);
      // As for channel.join: this socket is out of the room before the ack.
      await socket.leave(channelRoom(channelId));
      return { success: true as const };
    },
  });
