import { Type } from '@sinclair/typebox';
import type { MessagesService } from '@heyyo/chat';
import { defineHandler } from '../event-handler.ts';
import { Id } from './schemas.ts';

const ReactionPayload = Type.Object(
  { messageId: Id, type: Type.String({ minLength: 1, maxLength: 64 }) },
  { additionalProperties: false },
);

/**
 * `reaction.add` / `reaction.remove`: acknowledged once the change is queued; the
 * worker applies it and announces `reaction.new` / `reaction.deleted`.
 */
export const reactionHandlers = (messages: MessagesService) =>
  (
    [
      ['reaction.add', 'add'],
      ['reaction.remove', 'remove'],
    ] as const
  ).map(([event, op]) =>
    defineHandler({
      event,
      payload: ReactionPayload,
      async handle(socket, { messageId, type }) {
        await messages.changeReaction(socket.data.actor, op, { messageId, type });
        return { success: true as const };
      },
    }),
  );
