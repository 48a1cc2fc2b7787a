/**
 * Checking a webhook delivery on your server: that Heyyo sent it (its `Heyyo-Signature` is the
 * HMAC-SHA256 of `"<t>.<raw body>"` with your endpoint's secret) and recently (`t` within
 * `toleranceSeconds`, so a captured delivery cannot be replayed later). Web Crypto only, so it runs
 * wherever the SDK does; it is meant for servers (the secret must not reach a browser).
 */
import type { WebhookEvent } from '@heyyo/contracts';

/** Why a delivery was refused. */
export type WebhookVerificationFailure = 'missing-signature' | 'malformed-signature' | 'stale' | 'bad-signature' | 'bad-body';

export class WebhookVerificationError extends Error {
  constructor(
    readonly reason: WebhookVerificationFailure,
    message: string,
  ) {
    super(message);
    this.name = 'WebhookVerificationError';
  }
}

export interface VerifyWebhookOptions {
  /** How far `t` may be from now, in seconds. @defaultValue 300 */
  toleranceSeconds?: number;
  /** The time to check `t` against (ms since the epoch, or a Date). @defaultValue Date.now() */
  now?: number | Date;
}

/** The request headers: a Fetch `Headers`, or Node's (`req.headers`: lower-case names). */
export type WebhookHeaders = { get(name: string): string | null } | Record<string, string | string[] | undefined>;

const SIGNATURE_HEADER = 'heyyo-signature';

function headerOf(headers: WebhookHeaders, name: string): string | undefined {
  if (typeof (headers as { get?: unknown }).get === 'function') return (headers as { get(name: string): string | null }).get(name) ?? undefined;
  const record = headers as Record<string, string | string[] | undefined>;
  const key = Object.keys(record).find((candidate) => candidate.toLowerCase() === name);
  const value = key === undefined ? undefined : record[key];
  return Array.isArray(value) ? value[0] : value;
}

const HEX_SIGNATURE = /^[0-9a-f]{64}$/i;

function hexBytes(hex: string): Uint8Array<ArrayBuffer> {
  const bytes = new Uint8Array(hex.length / 2);
  for (let i = 0; i < bytes.length; i++) bytes[i] = parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  return bytes;
}

/**
 * Verifies a webhook delivery and returns its event.
 *
 * @param rawBody the request body exactly as received (a string, or its bytes): not a re-serialized
 *   JSON object, whose bytes would differ.
 * @param headers the request's headers (`Heyyo-Signature` is read, in any case).
 * @param secret the endpoint's secret (`whsec_…`).
 * @throws WebhookVerificationError when the header is missing or malformed, `t` is further than
 *   `toleranceSeconds` from now, no `v1` matches, or the body is not an event.
 */
export async function verifyWebhook(
  rawBody: string | Uint8Array,
  headers: WebhookHeaders,
  secret: string,
  options: VerifyWebhookOptions = {},
): Promise<WebhookEvent> {
  const header = headerOf(headers, SIGNATURE_HEADER);
  if (!header) throw new WebhookVerificationError('missing-signature', 'no Heyyo-Signature');
  let timestamp: number | undefined;
  const signatures: Uint8Array<ArrayBuffer>[] = [];
  for (const part of header.split(',')) {
    const [key, value = ''] = part.trim().split('=', 2) as [string, string?];
    if (key === 't' && /^\d{1,12}$/.test(value)) timestamp = Number(value);
    else if (key === 'v1' && HEX_SIGNATURE.test(value)) signatures.push(hexBytes(value));
  }
  if (timestamp === undefined || signatures.length === 0) {
    throw new WebhookVerificationError('malformed-signature', 'malformed Heyyo-Signature');
  }
  const nowMs = options.now === undefined ? Date.now() : Number(options.now);
  const tolerance = options.toleranceSeconds ?? 300;
  if (Math.abs(nowMs / 1000 - timestamp) > tolerance) {
    throw new WebhookVerificationError('stale', `t is over ${tolerance} s from now`);
  }
  // Web Crypto: Node 19+, Deno, Bun, workers, browsers.
  const { subtle } = globalThis.crypto;
  const encoder = new TextEncoder();
  const body = typeof rawBody === 'string' ? encoder.encode(rawBody) : rawBody;
  const prefix = encoder.encode(`${timestamp}.`);
  const signed = new Uint8Array(prefix.length + body.length);
  signed.set(prefix);
  signed.set(body, prefix.length);
  const key = await subtle.importKey('raw', encoder.encode(secret), { name: 'HMAC', hash: 'SHA-256' }, false, ['verify']);
  // subtle.verify compares in constant time.
  let valid = false;
  for (const signature of signatures) valid = (await subtle.verify('HMAC', key, signature, signed)) || valid;
  if (!valid) throw new WebhookVerificationError('bad-signature', 'signature mismatch (wrong secret, or a changed body)');
  try {
    return JSON.parse(new TextDecoder().decode(body)) as WebhookEvent;
  } catch {
    throw new WebhookVerificationError('bad-body', 'body is not JSON');
  }
}
