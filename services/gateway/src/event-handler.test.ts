import { describe, expect, it } from 'vitest';
import { createWorkGate } from '@heyyo/chat';
import { createLogger } from '@heyyo/logging';
import { defineHandler, registerHandlers, type EventHandler } from './event-handler.ts';
import { TokenBucket } from './rate-limiter.ts';
import type { GatewaySocket } from './types.ts';

/** The part of a socket registerHandlers uses: its listeners, called as Socket.IO would. */
function fakeSocket() {
  const listeners = new Map<string, (...args: unknown[]) => Promise<void>>();
  const socket = { on: (event: string, listener: never) => listeners.set(event, listener) } as unknown as GatewaySocket;
  const emit = (event: string, payload: unknown) =>
    new Promise((resolve) => void listeners.get(event)!(payload, resolve));
  /** `socket.emit(event, payload)` with no ack function: resolves once the listener is done. */
  const emitWithoutAck = (event: string, payload: unknown) => listeners.get(event)!(payload);
  return { socket, emit, emitWithoutAck };
}

function gatewayWith(handler: EventHandler, options: { checkOutgoing?: boolean; burst?: number } = {}) {
  const { socket, emit } = fakeSocket();
  registerHandlers(socket, [handler], {
    bucket: new TokenBucket(1, options.burst ?? 100),
    gate: createWorkGate(100),
    logger: createLogger({ level: 'silent', name: 'test' }),
    checkOutgoing: options.checkOutgoing ?? true,
  });
  return emit;
}

const typing = (result: unknown) =>
  defineHandler({ event: 'typing.start', handle: async () => result as { success: true } }) as EventHandler;

describe('registerHandlers', () => {
  it('acks what the handler returns when it matches the contract', async () => {
    const emit = gatewayWith(typing({ success: true }));
    expect(await emit('typing.start', { channelId: 'c' })).toEqual({ success: true });
  });

  it('refuses a payload that breaks the contract, in the words REST uses', async () => {
    const emit = gatewayWith(typing({ success: true }));
    expect(await emit('typing.start', {})).toEqual({ error: 'channelId is required', code: 'HEYYO_ERR_VALIDATION' });
    expect(await emit('typing.start', 'x')).toEqual({ error: 'Payload must be a JSON object', code: 'HEYYO_ERR_VALIDATION' });
  });

  it('fails an ack with a field the contract does not declare, instead of sending it', async () => {
    const emit = gatewayWith(typing({ success: true, debug: 'internal' }));
    expect(await emit('typing.start', { channelId: 'c' })).toMatchObject({ code: 'HEYYO_ERR_INTERNAL', errorId: expect.any(String) });
  });

  it('sends acks unchecked when the check is off (production)', async () => {
    const emit = gatewayWith(typing({ success: true, debug: 'internal' }), { checkOutgoing: false });
    expect(await emit('typing.start', { channelId: 'c' })).toEqual({ success: true, debug: 'internal' });
  });

  it('refuses events past the connection’s budget', async () => {
    const emit = gatewayWith(typing({ success: true }), { burst: 1 });
    expect(await emit('typing.start', { channelId: 'c' })).toEqual({ success: true });
    expect(await emit('typing.start', { channelId: 'c' })).toEqual({
      error: 'Rate limit exceeded, slow down',
      code: 'HEYYO_ERR_RATE_LIMITED',
    });
  });
});

describe('an event sent without an ack function', () => {
  it('still runs its handler', async () => {
    const { socket, emitWithoutAck } = fakeSocket();
    const ran: unknown[] = [];
    const handler = defineHandler({
      event: 'typing.start',
      handle: async (_socket, payload) => (ran.push(payload), { success: true as const }),
    });
    registerHandlers(socket, [handler as EventHandler], {
      bucket: new TokenBucket(1, 10),
      gate: createWorkGate(100),
      logger: createLogger({ level: 'silent', name: 'test' }),
      checkOutgoing: true,
    });
    await emitWithoutAck('typing.start', { channelId: 'c' });
    expect(ran).toEqual([{ channelId: 'c' }]);
  });
});
