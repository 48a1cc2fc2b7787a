import type { ChannelsService } from '@heyyo/chat';
import { defineHandler } from '../event-handler.ts';

/** `channel.read`: acknowledged with the new read state; the user's other connections get `channel.read`. */
export const channelReadHandler = (channels: ChannelsService) =>
  defineHandler({
    event: 'channel.read',
    async handle(socket, { channelId, seq }) {
      return channels.markRead(socket.data.actor, channelId, seq);
    },
  });
