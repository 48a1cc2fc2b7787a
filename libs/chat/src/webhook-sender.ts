/**
 * One webhook POST, bounded every way a receiver could hold the worker: a deadline for the whole
 * exchange (connection, request, response), redirects not followed, at most a small part of the
 * response body read, and only to addresses that may receive webhooks (checked on the addresses
 * the connection uses: see webhook-address.ts).
 */
import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { guardedLookup, webhookUrl, type Resolver } from './webhook-address.ts';

/** The longest a delivery may take when nothing says otherwise (HEYYO_WEBHOOK_TIMEOUT_MS). */
export const DEFAULT_WEBHOOK_TIMEOUT_MS = 10_000;

/** The start of a response body kept with a delivery, in bytes; the rest is not read. */
export const RESPONSE_BODY_BYTES = 1024;

export interface WebhookPost {
  url: string;
  /** The JSON text to send, exactly as signed. */
  body: string;
  headers: Record<string, string>;
  /** @defaultValue DEFAULT_WEBHOOK_TIMEOUT_MS */
  timeoutMs?: number;
  /** Send to internal addresses too (development, tests). */
  allowPrivate: boolean;
  /** DNS, for tests. */
  resolve?: Resolver;
  /** Cuts the try short (the worker is stopping). */
  signal?: AbortSignal;
}

export interface WebhookAnswer {
  /** True for a 2xx answer. */
  delivered: boolean;
  /** null when no answer came (refused, unreachable, timed out). */
  status: number | null;
  /** The start of the response body (RESPONSE_BODY_BYTES at most). */
  body: string | null;
  /** Why it failed; null when delivered. */
  error: string | null;
  /** How long it took. */
  ms: number;
}

// Connections are kept for the next delivery to the same receiver. The lookup is the guarded one
// (passed per request), so a connection is only ever opened to an address that was allowed.
const agents = {
  'http:': new HttpAgent({ keepAlive: true, maxSockets: 64 }),
  'https:': new HttpsAgent({ keepAlive: true, maxSockets: 64 }),
};

/** What Postgres and a person can read of a body: text without NUL. */
const printable = (bytes: Buffer) => bytes.toString('utf8').replace(/\u0000/g, '');

/**
 * POSTs `body` to `url`. Never rejects: a failure is an answer with `delivered: false` and an
 * `error` (the status for a non-2xx answer, "timed out after …", the refused address…).
 */
export async function postWebhook(post: WebhookPost): Promise<WebhookAnswer> {
  const timeoutMs = post.timeoutMs ?? DEFAULT_WEBHOOK_TIMEOUT_MS;
  const startedAt = performance.now();
  const answer = (fields: Omit<WebhookAnswer, 'ms'>): WebhookAnswer => ({ ...fields, ms: Math.round(performance.now() - startedAt) });
  const failed = (error: string, status: number | null = null, body: string | null = null) =>
    answer({ delivered: false, status, body, error: error.slice(0, 500) });

  // An IP in the URL is connected to without a lookup: checked here; a name, by the guarded lookup.
  const checked = webhookUrl(post.url, post.allowPrivate);
  if ('refusal' in checked) return failed(checked.of === 'address' ? `refused: ${checked.refusal}` : checked.refusal);
  const { url } = checked;

  const deadline = AbortSignal.timeout(timeoutMs);
  const signal = post.signal ? AbortSignal.any([deadline, post.signal]) : deadline;
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
  try {
    const { response, head } = await new Promise<{ response: IncomingMessage; head: Buffer }>((resolve, reject) => {
      const request = send(url, {
        method: 'POST',
        agent: agents[url.protocol as 'http:' | 'https:'],
        lookup: guardedLookup({ allowPrivate: post.allowPrivate, ...(post.resolve ? { resolve: post.resolve } : {}) }),
        signal,
        headers: { ...post.headers, 'content-type': 'application/json', 'content-length': Buffer.byteLength(post.body) },
      });
      request.on('error', reject);
      request.on('response', (response) => {
        const chunks: Buffer[] = [];
        let size = 0;
        const done = () => resolve({ response, head: Buffer.concat(chunks).subarray(0, RESPONSE_BODY_BYTES) });
        response.on('data', (chunk: Buffer) => {
          chunks.push(chunk);
          size += chunk.length;
          // Enough: the rest is not read (the connection is dropped rather than drained).
          if (size >= RESPONSE_BODY_BYTES) {
            response.destroy();
            done();
          }
        });
        response.on('end', done);
        response.on('error', reject);
      });
      request.end(post.body);
    });
    const status = response.statusCode ?? 0;
    const body = printable(head);
    if (status >= 200 && status < 300) return answer({ delivered: true, status, body, error: null });
    const redirect = status >= 300 && status < 400 ? ' (redirects are not followed)' : '';
    return failed(`HTTP ${status}${redirect}`, status, body);
  } catch (error) {
    if (post.signal?.aborted) return failed('cut short: the worker stopped');
    if (deadline.aborted) return failed(`timed out after ${timeoutMs} ms`);
    return failed((error as Error).message || String(error));
  }
}
