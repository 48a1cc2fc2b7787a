import { describe, expect, it } from 'vitest';
import { HeyyoClient } from './client.ts';
import { UnavailableError } from './errors.ts';

const OVERLOADED = { error: 'Server busy, retry shortly', code: 'HEYYO_ERR_OVERLOADED' };

/** A fetch that answers each POST with the next of `answers` and records the bodies it was sent. */
function scriptedFetch(answers: { status: number; body: unknown }[]) {
  const bodies: Record<string, unknown>[] = [];
  const fetch: typeof globalThis.fetch = async (_input, init) => {
    bodies.push(JSON.parse(String(init?.body)));
    const { status, body } = answers.shift()!;
    return new Response(JSON.stringify(body), {
      status,
      headers: { 'content-type': 'application/json', ...(status === 503 ? { 'retry-after': '0' } : {}) },
    });
  };
  return { fetch, bodies };
}

describe('messages.send when the server refuses for a moment', () => {
  it('retries a 503 with the same clientId until it is stored', async () => {
    const stored = { id: 'm1', seq: 7, channel_id: 'c1', text: 'hi' };
    const { fetch, bodies } = scriptedFetch([
      { status: 503, body: OVERLOADED },
      { status: 503, body: { error: 'Service temporarily unavailable, retry shortly', code: 'HEYYO_ERR_UNAVAILABLE' } },
      { status: 201, body: stored },
    ]);
    const client = new HeyyoClient({ apiUrl: 'http://heyyo.test', token: 'token', autoConnect: false, fetch });
    expect(await client.messages.send('c1', 'hi')).toEqual(stored);
    expect(bodies).toHaveLength(3);
    expect(new Set(bodies.map((body) => body.client_id)).size).toBe(1);
    expect(bodies[0]!.client_id).toEqual(expect.any(String));
  });

  it('gives up after sendRetries, with the UnavailableError', async () => {
    const { fetch, bodies } = scriptedFetch([
      { status: 503, body: OVERLOADED },
      { status: 503, body: OVERLOADED },
    ]);
    const client = new HeyyoClient({ apiUrl: 'http://heyyo.test', token: 'token', autoConnect: false, fetch, sendRetries: 1 });
    const error = await client.messages.send('c1', 'hi').catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(UnavailableError);
    expect(error).toMatchObject({ status: 503, code: 'HEYYO_ERR_OVERLOADED', retryAfter: 0 });
    expect(bodies).toHaveLength(2);
  });

  it('does not retry what a retry cannot cure', async () => {
    const { fetch, bodies } = scriptedFetch([{ status: 403, body: { error: 'Not a member of this channel', code: 'HEYYO_ERR_NOT_MEMBER' } }]);
    const client = new HeyyoClient({ apiUrl: 'http://heyyo.test', token: 'token', autoConnect: false, fetch });
    await expect(client.messages.send('c1', 'hi')).rejects.toMatchObject({ status: 403 });
    expect(bodies).toHaveLength(1);
  });
});
