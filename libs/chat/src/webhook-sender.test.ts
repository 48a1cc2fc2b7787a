import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { DEFAULT_WEBHOOK_TIMEOUT_MS, postWebhook, RESPONSE_BODY_BYTES } from './webhook-sender.ts';

/** A receiver on 127.0.0.1 whose answer each test sets; it keeps what it was sent. */
let server: Server;
let base: string;
let port: number;
let handle: (request: IncomingMessage, response: ServerResponse, body: string) => void;
const requests: { url: string; headers: IncomingMessage['headers']; body: string }[] = [];

beforeAll(async () => {
  server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      requests.push({ url: request.url ?? '', headers: request.headers, body });
      handle(request, response, body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
  base = `http://127.0.0.1:${port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

const post = (url: string, extra: Partial<Parameters<typeof postWebhook>[0]> = {}) =>
  postWebhook({ url, body: '{"id":"e1","data":{"text":"héllo"}}', headers: { 'heyyo-signature': 't=1,v1=ab' }, allowPrivate: true, timeoutMs: 2000, ...extra });

describe('postWebhook', () => {
  it('POSTs the body as JSON with the headers given; a 2xx is delivered', async () => {
    handle = (_request, response) => response.writeHead(202).end('thanks');
    requests.length = 0;
    const answer = await post(`${base}/hooks?x=1`);
    expect(answer).toMatchObject({ delivered: true, status: 202, body: 'thanks', error: null });
    expect(requests).toHaveLength(1);
    expect(requests[0]).toMatchObject({ url: '/hooks?x=1', body: '{"id":"e1","data":{"text":"héllo"}}' });
    expect(requests[0]!.headers).toMatchObject({ 'content-type': 'application/json', 'heyyo-signature': 't=1,v1=ab', 'content-length': '36' });
  });

  it('waits 10 s for an answer unless told otherwise', async () => {
    expect(DEFAULT_WEBHOOK_TIMEOUT_MS).toBe(10_000);
    handle = (_request, response) => response.writeHead(200).end();
    const timeout = vi.spyOn(AbortSignal, 'timeout');
    try {
      await postWebhook({ url: base, body: '{}', headers: {}, allowPrivate: true });
      expect(timeout).toHaveBeenCalledWith(10_000);
      await post(base, { timeoutMs: 1234 });
      expect(timeout).toHaveBeenLastCalledWith(1234);
    } finally {
      timeout.mockRestore();
    }
  });

  it('fails on an error status, keeping the start of the body', async () => {
    handle = (_request, response) => response.writeHead(500).end('x'.repeat(100_000));
    const answer = await post(base);
    expect(answer).toMatchObject({ delivered: false, status: 500, error: 'HTTP 500' });
    expect(answer.body).toBe('x'.repeat(RESPONSE_BODY_BYTES));
  });

  it('gives up on a receiver that does not answer in time, or stops halfway', async () => {
    handle = () => {};
    const startedAt = Date.now();
    expect(await post(base, { timeoutMs: 200 })).toMatchObject({ delivered: false, status: null, error: 'timed out after 200 ms' });
    expect(Date.now() - startedAt).toBeLessThan(1500);
    handle = (_request, response) => response.writeHead(200).write('partial');
    expect(await post(base, { timeoutMs: 200 })).toMatchObject({ delivered: false, error: 'timed out after 200 ms' });
  });

  it('ends a try at once when told to (the worker is stopping)', async () => {
    handle = () => {};
    const stop = new AbortController();
    setTimeout(() => stop.abort(), 50);
    const startedAt = Date.now();
    expect(await post(base, { timeoutMs: 5000, signal: stop.signal })).toMatchObject({ delivered: false, error: 'cut short: the worker stopped' });
    expect(Date.now() - startedAt).toBeLessThan(1000);
  });

  it('does not follow redirects', async () => {
    handle = (request, response) =>
      request.url === '/moved' ? response.writeHead(301, { location: '/elsewhere' }).end() : response.writeHead(200).end();
    requests.length = 0;
    expect(await post(`${base}/moved`)).toMatchObject({ delivered: false, status: 301, error: 'HTTP 301 (redirects are not followed)' });
    expect(requests.map((request) => request.url)).toEqual(['/moved']);
  });

  it('reports an unreachable receiver', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const { port: freePort } = closed.address() as AddressInfo;
    await new Promise((resolve) => closed.close(resolve));
    const answer = await post(`http://127.0.0.1:${freePort}/`);
    expect(answer).toMatchObject({ delivered: false, status: null });
    expect(answer.error).toContain('ECONNREFUSED');
  });

  it('connects only where the checked lookup says, and refuses internal addresses unless allowed', async () => {
    handle = (_request, response) => response.writeHead(200).end();
    requests.length = 0;
    // The name resolves (by the stub, no DNS) to this machine: refused in production…
    const toLoopback = async () => [{ address: '127.0.0.1', family: 4 }];
    expect(await post(`http://hooks.example.test:${port}/`, { allowPrivate: false, resolve: toLoopback })).toMatchObject({
      delivered: false,
      status: null,
      error: 'refused: hooks.example.test resolves to a loopback address',
    });
    // …also when it has a public address too (the one a connection would use is not chosen by us).
    const mixed = async () => [
      { address: '93.184.215.14', family: 4 },
      { address: '127.0.0.1', family: 4 },
    ];
    expect((await post(`http://hooks.example.test:${port}/`, { allowPrivate: false, resolve: mixed })).error).toContain('refused');
    expect(await post(`http://127.0.0.1:${port}/`, { allowPrivate: false })).toMatchObject({ error: 'refused: 127.0.0.1 is a loopback address' });
    expect(await post(`http://[::ffff:7f00:1]:${port}/`, { allowPrivate: false })).toMatchObject({ error: 'refused: ::ffff:7f00:1 is a loopback address' });
    expect(requests).toEqual([]);
    // …and used where allowed: the connection goes to the address the lookup gave.
    expect(await post(`http://hooks.example.test:${port}/allowed`, { allowPrivate: true, resolve: toLoopback })).toMatchObject({ delivered: true });
    expect(requests.map((request) => [request.url, request.headers.host])).toEqual([['/allowed', `hooks.example.test:${port}`]]);
  });
});
