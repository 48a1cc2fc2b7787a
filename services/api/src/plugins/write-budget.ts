import type { preHandlerAsyncHookHandler } from 'fastify';
import { Errors, type Actor } from '@heyyo/chat';
import type { WriteBudget } from '@heyyo/realtime';
import { actorOf } from './auth.ts';

/**
 * preHandler of the routes that write for a user (send a message, add or remove a reaction):
 * spends one write of the user's budget, which their sockets share; past it, 429 with `retry-after`.
 * After validation, so a malformed request is refused without spending anything.
 */
export function spendWriteBudget(budget: WriteBudget): preHandlerAsyncHookHandler {
  return async (request) => spendWrite(budget, actorOf(request));
}

/** Spends one write of the actor's budget. @throws 429 with `retry-after` past it. */
export async function spendWrite(budget: WriteBudget, actor: Actor): Promise<void> {
  const verdict = await budget.spend(actor);
  if (!verdict.ok) throw Errors.writesSpent(verdict.retryAfterSeconds);
}
