import { randomUUID } from 'node:crypto';
import type { Static, TSchema } from '@sinclair/typebox';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import { ErrorCodes, type AckError, type ClientToServerEvents } from '@heyyo/contracts';
import { HeyyoError } from '@heyyo/chat';
import type { Logger } from '@heyyo/logging';
import type { TokenBucket } from './rate-limiter.ts';
import type { GatewaySocket } from './types.ts';

/** One client event: its payload schema and what it does. */
export interface EventHandler<S extends TSchema = TSchema, R = unknown> {
  event: keyof ClientToServerEvents;
  payload: S;
  handle(socket: GatewaySocket, payload: Static<S>): Promise<R>;
}

export const defineHandler = <S extends TSchema, R>(handler: EventHandler<S, R>) => handler;

type Reply = (response: unknown) => void;

/** "text: has the wrong type" rather than TypeBox's "Expected union value". */
export function describePayloadIssue(issue: { path: string; message: string } | undefined): string {
  if (!issue) return 'payload: is invalid';
  const field = issue.path ? issue.path.slice(1).replaceAll('/', '.') : 'payload';
  const message = issue.message === 'Expected union value' ? 'has the wrong type' : issue.message;
  return `${field}: ${message}`;
}

/**
 * Registers handlers behind one wrapper: rate limit, payload validation, and an
 * acknowledgement for every outcome. Nothing a client sends can throw out of a
 * listener and take the socket (or the process) down.
 */
export function registerHandlers(
  socket: GatewaySocket,
  handlers: readonly EventHandler[],
  context: { bucket: TokenBucket; logger: Logger },
): void {
  for (const handler of handlers) {
    const checker = TypeCompiler.Compile(handler.payload);
    const listener = async (...args: unknown[]) => {
      // `emit(event, ack)` without a payload puts the ack first.
      const reply = (typeof args.at(-1) === 'function' ? args.at(-1) : undefined) as Reply | undefined;
      const payload = typeof args[0] === 'function' ? undefined : args[0];
      const fail = (body: AckError) => reply?.(body);
      if (!context.bucket.take()) {
        return fail({ error: 'Rate limit exceeded, slow down', code: ErrorCodes.RATE_LIMITED });
      }
      if (!checker.Check(payload)) {
        const issue = checker.Errors(payload).First();
        return fail({ error: describePayloadIssue(issue), code: ErrorCodes.VALIDATION });
      }
      try {
        const result = await handler.handle(socket, payload as Static<typeof handler.payload>);
        reply?.(result);
      } catch (error) {
        if (error instanceof HeyyoError) return fail({ error: error.message, code: error.code });
        const errorId = randomUUID();
        context.logger.error({ err: error, errorId, event: handler.event }, 'socket handler failed');
        fail({ error: 'Internal server error', code: ErrorCodes.INTERNAL, errorId });
      }
    };
    socket.on(handler.event, listener as never);
  }
}
