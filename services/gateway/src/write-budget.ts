import type { ClientEventName } from '@heyyo/contracts';
import { Errors } from '@heyyo/chat';
import type { WriteBudget } from '@heyyo/realtime';
import type { EventHandler } from './event-handler.ts';

/**
 * `handler`, spending one write of the user's budget first (shared by all their sockets, on
 * every gateway, and their REST calls); past it, the error ack HEYYO_ERR_RATE_LIMITED. Runs
 * after the payload's validation, so a malformed event spends nothing.
 */
export function budgeted<E extends ClientEventName>(handler: EventHandler<E>, budget: WriteBudget): EventHandler<E> {
  return {
    event: handler.event,
    async handle(socket, payload) {
      const verdict = await budget.spend(socket.data.actor);
      if (!verdict.ok) throw Errors.writesSpent(verdict.retryAfterSeconds);
      return handler.handle(socket, payload);
    },
  };
}
