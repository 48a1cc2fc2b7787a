import type { MessagesService } from '@heyyo/chat';
import { defineHandler } from '../event-handler.ts';

/** `message.update`: edits the sender's own message; acknowledged with `{ message }` as it is now. */
export const messageUpdateHandler = (messages: MessagesService) =>
  defineHandler({
    event: 'message.update',
    async handle(socket, { channelId, messageId, ...input }) {
      return { message: await messages.edit(socket.data.actor, channelId, messageId, input) };
    },
  });
