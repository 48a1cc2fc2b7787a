import { Type } from '@sinclair/typebox';
import type { MessagesService } from '@heyyo/chat';
import { defineHandler } from '../event-handler.ts';
import { Id, JsonObject } from './schemas.ts';

const SendMessagePayload = Type.Object(
  {
    channelId: Id,
    text: Type.Optional(Type.Union([Type.String(), Type.Null()])),
    attachments: Type.Optional(Type.Array(JsonObject)),
    metadata: Type.Optional(JsonObject),
    parentId: Type.Optional(Type.Union([Id, Type.Null()])),
    clientId: Type.Optional(Type.String({ minLength: 1, maxLength: 128 })),
  },
  { additionalProperties: false },
);

/** `message.send`: acknowledged with `{ message }` once the message is committed. */
export const messageSendHandler = (messages: MessagesService) =>
  defineHandler({
    event: 'message.send',
    payload: SendMessagePayload,
    async handle(socket, { channelId, ...input }) {
      const { message } = await messages.send(socket.data.actor, channelId, input);
      return { message };
    },
  });
