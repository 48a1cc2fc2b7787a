import {
  ClientEvents,
  type ClientEventAck,
  type ClientEventName,
  type ClientEventPayload,
  type ErrorBody,
} from '@heyyo/contracts';
import { checkShape, compileValidator } from '@heyyo/contracts/validation';
import { errorResponse, Errors, type WorkGate } from '@heyyo/chat';
import type { Logger } from '@heyyo/logging';
import type { TokenBucket } from './rate-limiter.ts';
import type { GatewaySocket } from './types.ts';

/** What one client event does; its payload and ack shapes come from the contract (ClientEvents). */
export interface EventHandler<E extends ClientEventName = ClientEventName> {
  event: E;
  handle(socket: GatewaySocket, payload: ClientEventPayload<E>): Promise<ClientEventAck<E>>;
}

export const defineHandler = <E extends ClientEventName>(handler: EventHandler<E>) => handler;

export interface HandlerContext {
  bucket: TokenBucket;
  /** The node's bound on work in progress, shared with REST: past it an event is refused at once. */
  gate: WorkGate;
  logger: Logger;
  /** Check every ack against its schema before sending it (tests: a field the contract lacks fails). */
  checkOutgoing: boolean;
  /** Records each handled event: `ok` or its ack's error code, and how long it took. */
  observe?: (event: string, outcome: string, seconds: number) => void;
}

type Reply = (response: unknown) => void;

/**
 * Registers handlers behind one wrapper: rate limit, payload validation, and an
 * acknowledgement for every outcome, written by the same error writer as REST's.
 * Nothing a client sends can throw out of a listener and take the socket (or the
 * process) down.
 */
export function registerHandlers(
  socket: GatewaySocket,
  handlers: readonly EventHandler<ClientEventName>[],
  context: HandlerContext,
): void {
  for (const handler of handlers) {
    const contract = ClientEvents[handler.event];
    const validatePayload = compileValidator(contract.payload, 'payload');
    const validateAck = context.checkOutgoing ? compileValidator(contract.ack, 'response') : undefined;
    const run = async (payload: unknown) => {
      if (!context.bucket.take()) throw Errors.rateLimited('Rate limit exceeded, slow down');
      const issue = checkShape(validatePayload, payload, 'payload');
      if (issue) throw Errors.validation(issue);
      const result = await context.gate.run(() => handler.handle(socket, payload as never));
      const drift = validateAck && checkShape(validateAck, result, 'response');
      if (drift) throw new Error(`${handler.event} ack does not match its contract: ${drift}`);
      return result;
    };
    const listener = async (...args: unknown[]) => {
      // `emit(event, ack)` without a payload puts the ack first.
      const reply = (typeof args.at(-1) === 'function' ? args.at(-1) : undefined) as Reply | undefined;
      const payload = typeof args[0] === 'function' ? undefined : args[0];
      const startedAt = performance.now();
      let outcome = 'ok';
      try {
        // Not `reply?.(await run(…))`: an optional call skips evaluating its arguments, so an
        // event sent without an ack would never run.
        const result = await run(payload);
        reply?.(result);
      } catch (error) {
        const { body } = errorResponse(error, {
          unexpected: (err, errorId) => context.logger.error({ err, errorId, event: handler.event }, 'socket handler failed'),
          unavailable: (err) => context.logger.warn({ err, event: handler.event }, 'socket event refused: a dependency is unavailable'),
        });
        outcome = body.code;
        reply?.(body satisfies ErrorBody);
      }
      context.observe?.(handler.event, outcome, (performance.now() - startedAt) / 1000);
    };
    socket.on(handler.event, listener as never);
  }
}
