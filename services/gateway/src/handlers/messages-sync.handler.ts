import { Type } from '@sinclair/typebox';
import { MAX_SYNC_PAGE, type MessagesService } from '@heyyo/chat';
import { defineHandler } from '../event-handler.ts';
import { Id } from './schemas.ts';

const SyncPayload = Type.Object(
  {
    channelId: Id,
    afterSeq: Type.Integer({ minimum: 0 }),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_SYNC_PAGE })),
  },
  { additionalProperties: false },
);

/** `messages.sync`: what a reconnecting client missed, in seq order, a page at a time. */
export const messagesSyncHandler = (messages: MessagesService) =>
  defineHandler({
    event: 'messages.sync',
    payload: SyncPayload,
    async handle(socket, { channelId, afterSeq, limit }) {
      return messages.sync(socket.data.actor, channelId, afterSeq, limit ?? MAX_SYNC_PAGE);
    },
  });
