import type { MessagesService } from '@heyyo/chat';
import { defineHandler } from '../event-handler.ts';

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
      async handle(socket, { messageId, type }) {
        await messages.changeReaction(socket.data.actor, op, { messageId, type });
        return { success: true as const };
      },
    }),
  );
