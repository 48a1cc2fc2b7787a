import { MAX_SYNC_PAGE } from '@heyyo/contracts';
import type { MessagesService } from '@heyyo/chat';
import { defineHandler } from '../event-handler.ts';

/** `messages.sync`: what a reconnecting client missed — the changes after its version, then new messages in seq order — a page at a time. */
export const messagesSyncHandler = (messages: MessagesService) =>
  defineHandler({
    event: 'messages.sync',
    async handle(socket, { channelId, afterSeq, afterVersion, limit }) {
      return messages.sync(socket.data.actor, channelId, { afterSeq, ...(afterVersion === undefined ? {} : { afterVersion }), limit: limit ?? MAX_SYNC_PAGE });
    },
  });
