import { createHmac, randomBytes } from 'node:crypto';

/** A new endpoint secret: `whsec_` and 32 random bytes in base64url. */
export const newWebhookSecret = () => `whsec_${randomBytes(32).toString('base64url')}`;

/**
 * The `Heyyo-Signature` header of a delivery: `t=<unix seconds>,v1=<hex HMAC-SHA256>` of
 * `"<t>.<raw body>"`, keyed with the endpoint's secret (its UTF-8 bytes, `whsec_` included).
 * The SDK's verifyWebhook checks it (and refuses a `t` more than 5 minutes away).
 */
export function webhookSignature(secret: string, body: string, timestampSeconds: number): string {
  const mac = createHmac('sha256', secret).update(`${timestampSeconds}.${body}`).digest('hex');
  return `t=${timestampSeconds},v1=${mac}`;
}
