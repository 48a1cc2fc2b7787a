/**
 * A real webhook receiver for tests: node:http on 127.0.0.1 (a free port), answering each delivery
 * as the test scripts it — an error status, a hang past the sender's timeout, or 200 — and keeping
 * every request as it came (raw body, headers, when). useWebhookReceiver gives a test file one,
 * listening from its beforeAll and closed in its afterAll.
 */
import { afterAll, beforeAll } from 'vitest';
import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** What the receiver does with one request: answer `status` (after `delayMs`), or never answer ('hang'). */
export type ReceiverAnswer = { status: number; body?: string; delayMs?: number } | 'hang';

export interface ReceivedDelivery {
  path: string;
  headers: IncomingHttpHeaders;
  rawBody: string;
  /** The event, parsed (not verified). */
  event: { id: string; type: string; created_at: string; app_id: string; data: Record<string, any> };
  receivedAt: number;
  /** What it was answered with. */
  answer: ReceiverAnswer;
}

export interface WebhookReceiver {
  /** e.g. http://127.0.0.1:41234/hooks */
  url(path?: string): string;
  /** Every request so far, in arrival order. */
  readonly received: ReceivedDelivery[];
  /** Those answered 2xx. */
  delivered(): ReceivedDelivery[];
  /** How the next requests are answered (the default after the script runs out: 200). */
  script(...answers: ReceiverAnswer[]): void;
  /** How every request is answered from now on, once the script ran out (or replacing it). */
  answerAll(answer: ReceiverAnswer | ((request: ReceivedDelivery) => ReceiverAnswer)): void;
}

/** The test file's receiver: it listens (on a free port) from the file's beforeAll and is closed in its afterAll. */
export function useWebhookReceiver(): WebhookReceiver {
  const received: ReceivedDelivery[] = [];
  let scripted: ReceiverAnswer[] = [];
  let fallback: ReceiverAnswer | ((request: ReceivedDelivery) => ReceiverAnswer) = { status: 200, body: 'ok' };
  const hanging = new Set<ServerResponse>();

  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const rawBody = Buffer.concat(chunks).toString('utf8');
      let event: ReceivedDelivery['event'];
      try {
        event = JSON.parse(rawBody);
      } catch {
        event = { id: '', type: '', created_at: '', app_id: '', data: {} };
      }
      const entry: ReceivedDelivery = {
        path: request.url ?? '/',
        headers: request.headers,
        rawBody,
        event,
        receivedAt: Date.now(),
        answer: { status: 200 },
      };
      const answer = scripted.shift() ?? (typeof fallback === 'function' ? fallback(entry) : fallback);
      entry.answer = answer;
      received.push(entry);
      if (answer === 'hang') {
        hanging.add(response);
        response.on('close', () => hanging.delete(response));
        return;
      }
      const reply = () => response.writeHead(answer.status, { 'content-type': 'text/plain' }).end(answer.body ?? '');
      if (answer.delayMs) setTimeout(reply, answer.delayMs);
      else reply();
    });
  });
  let port = 0;
  beforeAll(async () => {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    ({ port } = server.address() as AddressInfo);
  });
  afterAll(async () => {
    for (const response of hanging) response.destroy();
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  return {
    url: (path = '/hooks') => `http://127.0.0.1:${port}${path}`,
    received,
    delivered: () => received.filter((entry) => entry.answer !== 'hang' && entry.answer.status >= 200 && entry.answer.status < 300),
    script(...answers) {
      scripted = answers;
    },
    answerAll(answer) {
      scripted = [];
      fallback = answer;
    },
  };
}
