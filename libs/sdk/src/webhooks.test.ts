import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { verifyWebhook, WebhookVerificationError } from './webhooks.ts';

const SECRET = 'whsec_Zm9vYmFyYmF6cXV4MTIzNDU2Nzg5MGFiY2RlZmdoaWprbG1u';
const NOW_MS = 1_800_000_000_000;
const T = NOW_MS / 1000;
const event = {
  id: '5d0c8e9e-2f6b-4d7a-9a43-2c3f4b1f0e21',
  type: 'message.new',
  created_at: '2027-01-15T08:00:00.000Z',
  app_id: '0b6f2a51-5c44-4f7e-9d2a-6a3f0d0b8a11',
  data: { id: 'm1', text: 'héllo 👋' },
};
const body = JSON.stringify(event);
/** What Heyyo sends, computed independently of the SDK (node:crypto). */
const sign = (payload: string, t = T, secret = SECRET) => `t=${t},v1=${createHmac('sha256', secret).update(`${t}.${payload}`).digest('hex')}`;

const reasonOf = async (promise: Promise<unknown>) => {
  const error = await promise.then(() => undefined, (caught: unknown) => caught);
  expect(error).toBeInstanceOf(WebhookVerificationError);
  return (error as WebhookVerificationError).reason;
};

describe('verifyWebhook', () => {
  it('returns the event of a delivery signed with the secret', async () => {
    expect(await verifyWebhook(body, { 'heyyo-signature': sign(body) }, SECRET, { now: NOW_MS })).toEqual(event);
  });

  it('takes the body as bytes, and Fetch Headers or Node headers in any case', async () => {
    const bytes = new TextEncoder().encode(body);
    expect(await verifyWebhook(bytes, new Headers({ 'Heyyo-Signature': sign(body) }), SECRET, { now: new Date(NOW_MS) })).toEqual(event);
    expect(await verifyWebhook(body, { 'Heyyo-Signature': [sign(body)] }, SECRET, { now: NOW_MS })).toEqual(event);
  });

  it('accepts any of several v1 signatures', async () => {
    const header = `${sign(body, T, 'whsec_old')},v1=${sign(body).split('v1=')[1]}`;
    expect(await verifyWebhook(body, { 'heyyo-signature': header }, SECRET, { now: NOW_MS })).toEqual(event);
  });

  it('refuses a wrong secret or a changed body', async () => {
    expect(await reasonOf(verifyWebhook(body, { 'heyyo-signature': sign(body) }, 'whsec_other', { now: NOW_MS }))).toBe('bad-signature');
    const changed = body.replace('héllo', 'hello');
    expect(await reasonOf(verifyWebhook(changed, { 'heyyo-signature': sign(body) }, SECRET, { now: NOW_MS }))).toBe('bad-signature');
    // Re-serialized JSON is not the raw body.
    const reformatted = JSON.stringify(event, null, 2);
    expect(await reasonOf(verifyWebhook(reformatted, { 'heyyo-signature': sign(body) }, SECRET, { now: NOW_MS }))).toBe('bad-signature');
    // Another t with the same v1: the timestamp is signed too.
    const moved = sign(body).replace(`t=${T}`, `t=${T + 1}`);
    expect(await reasonOf(verifyWebhook(body, { 'heyyo-signature': moved }, SECRET, { now: NOW_MS }))).toBe('bad-signature');
  });

  it('refuses a t older (or newer) than the tolerance: 5 minutes unless told', async () => {
    const old = sign(body, T - 301);
    expect(await reasonOf(verifyWebhook(body, { 'heyyo-signature': old }, SECRET, { now: NOW_MS }))).toBe('stale');
    expect(await verifyWebhook(body, { 'heyyo-signature': sign(body, T - 299) }, SECRET, { now: NOW_MS })).toEqual(event);
    expect(await verifyWebhook(body, { 'heyyo-signature': old }, SECRET, { now: NOW_MS, toleranceSeconds: 600 })).toEqual(event);
    expect(await reasonOf(verifyWebhook(body, { 'heyyo-signature': sign(body, T + 301) }, SECRET, { now: NOW_MS }))).toBe('stale');
    // Without `now`: the clock.
    const fresh = Math.floor(Date.now() / 1000);
    expect(await verifyWebhook(body, { 'heyyo-signature': sign(body, fresh) }, SECRET)).toEqual(event);
    expect(await reasonOf(verifyWebhook(body, { 'heyyo-signature': sign(body, fresh - 3600) }, SECRET))).toBe('stale');
  });

  it('refuses a missing or malformed header, and a body that is not JSON', async () => {
    expect(await reasonOf(verifyWebhook(body, {}, SECRET, { now: NOW_MS }))).toBe('missing-signature');
    for (const header of ['', 'v1=abc', `t=${T}`, `t=soon,v1=${'a'.repeat(64)}`, `t=${T},v1=${'z'.repeat(64)}`, `t=${T},v1=${'a'.repeat(63)}`]) {
      const reason = await reasonOf(verifyWebhook(body, { 'heyyo-signature': header }, SECRET, { now: NOW_MS }));
      expect(reason, header).toBe(header ? 'malformed-signature' : 'missing-signature');
    }
    expect(await reasonOf(verifyWebhook('not json', { 'heyyo-signature': sign('not json') }, SECRET, { now: NOW_MS }))).toBe('bad-body');
  });
});
