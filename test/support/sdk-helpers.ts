/** Helpers of the SDK suites: waiting without fixed sleeps, events through the public on()/off(), REST counting. */
import { expect } from 'vitest';
import type { ClientEvents, HeyyoClient, Message } from '@heyyo/sdk';
import type { TestUser } from './factories.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

export type Payload<E extends keyof ClientEvents> = ClientEvents[E] extends (payload: infer P) => void ? P : never;

export { eventually } from './eventually.ts';

/** The next `event` the client emits (matching `predicate`), through on() and off(). */
export function nextEvent<E extends keyof ClientEvents>(
  client: HeyyoClient,
  event: E,
  predicate: (payload: Payload<E>) => boolean = () => true,
  timeoutMs = 5000,
): Promise<Payload<E>> {
  return new Promise((resolve, reject) => {
    const handler = ((payload: Payload<E>) => {
      if (!predicate(payload)) return;
      clearTimeout(timer);
      client.off(event, handler);
      resolve(payload);
    }) as unknown as ClientEvents[E];
    const timer = setTimeout(() => {
      client.off(event, handler);
      reject(new Error(`no ${String(event)} within ${timeoutMs} ms`));
    }, timeoutMs);
    client.on(event, handler);
  });
}

/** Every payload of `event` from now on. */
export function record<E extends keyof ClientEvents>(client: HeyyoClient, event: E): Payload<E>[] {
  const seen: Payload<E>[] = [];
  client.on(event, ((payload: Payload<E>) => seen.push(payload)) as unknown as ClientEvents[E]);
  return seen;
}

/** A real fetch that records each request, to see what went over REST. */
export function countingFetch() {
  const calls: { method: string; path: string; body: any }[] = [];
  const wrapped: typeof fetch = async (input, init) => {
    const url = new URL(input instanceof Request ? input.url : String(input));
    const body = typeof init?.body === 'string' ? JSON.parse(init.body) : undefined;
    calls.push({ method: init?.method ?? 'GET', path: url.pathname + url.search, body });
    return fetch(input, init);
  };
  return {
    fetch: wrapped,
    calls,
    /** POSTs to …/messages: messages sent over REST. */
    messagePosts: () => calls.filter((call) => call.method === 'POST' && /\/messages$/.test(call.path)),
  };
}

/** The exact Message shape (REST 201 body, socket ack, message.new), by default from a user without a profile. */
export function expectedMessage(
  author: TestUser,
  channelId: string,
  fields: Partial<Message>,
  user: Message['user'] = { external_id: author.externalId, display_name: null, avatar_url: null },
) {
  return {
    id: expect.stringMatching(UUID),
    channel_id: channelId,
    user_id: author.id,
    seq: expect.any(Number),
    text: null,
    attachments: [],
    metadata: {},
    parent_id: null,
    client_id: expect.any(String),
    created_at: expect.stringMatching(ISO),
    updated_at: expect.stringMatching(ISO),
    deleted_at: null,
    edited_at: null,
    reply_count: 0,
    last_reply_at: null,
    pinned_at: null,
    pinned_by: null,
    user,
    ...fields,
  };
}
