import type { MessagesService } from '@heyyo/chat';
import { defineHandler } from '../event-handler.ts';

/** `message.send`: acknowledged with `{ message }` once the message is committed. */
export const messageSendHandler = (messages: MessagesService) =>
  defineHandler({
    event: 'message.send',
    async handle(socket, { channelId, ...input }) {
      const { message } = await messages.send(socket.data.actor, channelId, input);
      return { message };
    },
  });
