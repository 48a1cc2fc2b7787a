import type { ChannelsService } from '@heyyo/chat';
import { defineHandler } from '../event-handler.ts';

/** `typing.start` / `typing.stop`: relayed to the channel's other members only. */
export const typingHandlers = (channels: ChannelsService) =>
  (['typing.start', 'typing.stop'] as const).map((event) =>
    defineHandler({
      event,
      async handle(socket, { channelId }) {
        await channels.typing(socket.data.actor, channelId, event);
        return { success: true as const };
      },
    }),
  );
