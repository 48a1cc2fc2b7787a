import { createHmac } from 'node:crypto';
import { describe, expect, it, vi } from 'vitest';
import type { WebhookJob } from '@heyyo/contracts';
import type { DeliveryTry, Repositories, TryOutcome } from '@heyyo/database';
import { createWebhookDelivery, leaseMsFor, retryDelayMs, type WebhookSettings } from './webhook-delivery.ts';
import type { WebhookAnswer, WebhookPost } from './webhook-sender.ts';
import { newWebhookSecret, webhookSignature } from './webhook-signature.ts';

const settings: WebhookSettings = {
  allowPrivate: false,
  timeoutMs: 10_000,
  concurrency: 4,
  retryWindowMs: 86_400_000,
  backoffMs: 10_000,
  backoffMaxMs: 3_600_000,
  pollMs: 500,
  maxEndpointsPerApp: 10,
};

describe('retryDelayMs', () => {
  it('doubles from backoffMs up to backoffMaxMs, less up to a fifth at random', () => {
    const exact = (attempt: number) => retryDelayMs(attempt, settings, () => 0);
    expect([1, 2, 3, 4, 5, 6, 7, 8, 9].map(exact)).toEqual([10_000, 20_000, 40_000, 80_000, 160_000, 320_000, 640_000, 1_280_000, 2_560_000]);
    expect(exact(10)).toBe(3_600_000);
    expect(exact(500)).toBe(3_600_000);
    expect(retryDelayMs(1, settings, () => 0.999)).toBe(8002);
    for (let i = 0; i < 100; i++) {
      const delay = retryDelayMs(3, settings);
      expect(delay).toBeGreaterThan(32_000 - 1);
      expect(delay).toBeLessThanOrEqual(40_000);
    }
  });

  it('retries for the whole window: about 30 tries in 24 h with the defaults', () => {
    let elapsed = 0;
    let tries = 0;
    while (elapsed + retryDelayMs(tries + 1, settings, () => 0) < settings.retryWindowMs) elapsed += retryDelayMs(++tries, settings, () => 0);
    expect(tries).toBeGreaterThan(25);
    expect(tries).toBeLessThan(35);
  });

  it('leases a handed-out delivery well past one try', () => {
    expect(leaseMsFor(settings)).toBe(60_000);
    expect(leaseMsFor({ timeoutMs: 60_000 })).toBe(180_000);
  });
});

describe('webhookSignature', () => {
  it('is t and the hex HMAC-SHA256 of "<t>.<body>" keyed with the whole secret', () => {
    const secret = newWebhookSecret();
    expect(secret).toMatch(/^whsec_[A-Za-z0-9_-]{43}$/);
    expect(newWebhookSecret()).not.toBe(secret);
    const expected = createHmac('sha256', secret).update('1700000000.{"a":1}').digest('hex');
    expect(webhookSignature(secret, '{"a":1}', 1_700_000_000)).toBe(`t=1700000000,v1=${expected}`);
  });
});

describe('a delivery job', () => {
  const started: DeliveryTry = {
    id: 'd1',
    attempt: 3,
    endpointId: 'e1',
    channelId: 'c1',
    url: 'https://hooks.example.com/h',
    secret: 'whsec_s',
    eventId: 'ev1',
    eventType: 'message.new',
    body: '{"id":"ev1"}',
  };

  function harness(
    status: 'delivered' | 'pending' | 'failed',
    answer: WebhookAnswer = { delivered: status === 'delivered', status: 200, body: 'ok', error: null, ms: 5 },
  ) {
    const outcomes: TryOutcome[] = [];
    const queued: WebhookJob[] = [];
    const posts: WebhookPost[] = [];
    const webhooks = {
      startAttempt: vi.fn(async (_id: string, attempt: number) => (attempt === 2 ? started : undefined)),
      recordOutcome: vi.fn(async (_id: string, _attempt: number, outcome: TryOutcome) => (outcomes.push(outcome), status)),
      claimLaneHead: vi.fn(async () => ({ id: 'd2', attempts: 0 })),
      claimDue: vi.fn(async () => [{ id: 'd1', attempts: 0 }]),
    };
    const delivery = createWebhookDelivery({
      repos: { webhooks } as unknown as Pick<Repositories, 'webhooks'>,
      jobs: { webhookDelivery: async (job) => void queued.push(job) },
      webhooks: settings,
      send: async (post) => (posts.push(post), answer),
      now: () => 1_700_000_000_500,
    });
    return { delivery, webhooks, outcomes, queued, posts };
  }

  it('sends the event signed now, records it, and hands out the next of its channel', async () => {
    const { delivery, outcomes, queued, posts, webhooks } = harness('delivered');
    expect(await delivery.deliver({ data: { deliveryId: 'd1', attempt: 2 }, attemptsMade: 0 })).toEqual({ status: 'delivered' });
    expect(posts).toHaveLength(1);
    expect(posts[0]).toMatchObject({ url: started.url, body: started.body, timeoutMs: 10_000, allowPrivate: false });
    expect(posts[0]!.headers).toMatchObject({
      'heyyo-signature': webhookSignature('whsec_s', started.body, 1_700_000_000),
      'heyyo-event-id': 'ev1',
      'heyyo-event-type': 'message.new',
      'heyyo-delivery-id': 'd1',
      'heyyo-delivery-attempt': '3',
    });
    expect(webhooks.recordOutcome).toHaveBeenCalledWith('d1', 3, expect.anything());
    expect(outcomes[0]).toMatchObject({ delivered: true, responseStatus: 200, retryWindowMs: 86_400_000 });
    expect(webhooks.claimLaneHead).toHaveBeenCalledWith('e1', 'c1', 60_000);
    expect(queued).toEqual([{ deliveryId: 'd2', attempt: 0 }]);
  });

  it('schedules the next try after a failure, and hands out nothing behind it', async () => {
    const { delivery, outcomes, queued } = harness('pending', { delivered: false, status: 500, body: 'no', error: 'HTTP 500', ms: 5 });
    expect(await delivery.deliver({ data: { deliveryId: 'd1', attempt: 2 }, attemptsMade: 0 })).toEqual({ status: 'pending' });
    expect(outcomes[0]).toMatchObject({ delivered: false, responseStatus: 500, responseBody: 'no', error: 'HTTP 500' });
    // Its third try failed: 40 s, less up to a fifth.
    expect(outcomes[0]!.retryInMs).toBeGreaterThanOrEqual(32_000);
    expect(outcomes[0]!.retryInMs).toBeLessThanOrEqual(40_000);
    expect(queued).toEqual([]);
  });

  it('sends nothing for a try that moved on (a repeated job)', async () => {
    const { delivery, posts, webhooks } = harness('delivered');
    expect(await delivery.deliver({ data: { deliveryId: 'd1', attempt: 1 }, attemptsMade: 0 })).toEqual({ status: 'skipped' });
    expect(posts).toEqual([]);
    expect(webhooks.recordOutcome).not.toHaveBeenCalled();
  });

  it('cuts a try in flight short when the worker stops, retrying it at once, and starts none after', async () => {
    const outcomes: TryOutcome[] = [];
    const posts: WebhookPost[] = [];
    const webhooks = {
      startAttempt: vi.fn(async () => started),
      recordOutcome: vi.fn(async (_id: string, _attempt: number, outcome: TryOutcome) => (outcomes.push(outcome), 'pending' as const)),
      claimDue: vi.fn(async () => []),
      failExpired: vi.fn(async () => 0),
      prune: vi.fn(async () => {}),
    };
    const delivery = createWebhookDelivery({
      repos: { webhooks } as unknown as Pick<Repositories, 'webhooks'>,
      jobs: { webhookDelivery: async () => {} },
      webhooks: settings,
      // A receiver that never answers: only the stop ends the try.
      send: (post) => {
        posts.push(post);
        return new Promise((resolve) =>
          post.signal!.addEventListener('abort', () => resolve({ delivered: false, status: null, body: null, error: 'cut short: the worker stopped', ms: 1 })),
        );
      },
    });
    const relay = delivery.startRelay();
    const inFlight = delivery.deliver({ data: { deliveryId: 'd1', attempt: 2 }, attemptsMade: 0 });
    await vi.waitFor(() => expect(posts).toHaveLength(1));
    await relay.stop();
    expect(await inFlight).toEqual({ status: 'pending' });
    expect(outcomes[0]).toMatchObject({ delivered: false, error: 'cut short: the worker stopped', retryInMs: 0 });
    expect(await delivery.deliver({ data: { deliveryId: 'd1', attempt: 3 }, attemptsMade: 0 })).toEqual({ status: 'skipped' });
    expect(posts).toHaveLength(1);
  });

  it('keeps relaying when the queue refuses a job (the delivery is handed out again later)', async () => {
    const { webhooks } = harness('delivered');
    const down = createWebhookDelivery({
      repos: { webhooks } as unknown as Pick<Repositories, 'webhooks'>,
      jobs: {
        webhookDelivery: async () => {
          throw new Error('Connection is closed');
        },
      },
      webhooks: settings,
    });
    expect(await down.relayOnce()).toBe(1);
  });
});
