import { Type } from '@sinclair/typebox';
import type { ChannelsService } from '@heyyo/chat';
import { defineHandler } from '../event-handler.ts';
import { Id } from './schemas.ts';

const ReadPayload = Type.Object(
  { channelId: Id, seq: Type.Optional(Type.Integer({ minimum: 0 })) },
  { additionalProperties: false },
);

/** `channel.read`: acknowledged with the new read state; the user's other connections get `channel.read`. */
export const channelReadHandler = (channels: ChannelsService) =>
  defineHandler({
    event: 'channel.read',
    payload: ReadPayload,
    async handle(socket, { channelId, seq }) {
      return channels.markRead(socket.data.actor, channelId, seq);
    },
  });
