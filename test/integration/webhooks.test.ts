/**
 * Webhooks end to end (issue 16, item 3): a real node and a real HTTP receiver on 127.0.0.1 that
 * fails, hangs past the sender's timeout and recovers. Deliveries arrive signed (checked with the
 * SDK's verifyWebhook), in order per channel, each delivered once after the recovery; one not
 * delivered within its retry window is kept as failed, listed, and redelivered; and each event's
 * data is the payload its realtime event carries.
 */
import { describe, expect, it } from 'vitest';
import { verifyWebhook } from '@heyyo/sdk/webhooks';
import { eventually } from '../support/eventually.ts';
import { apiCredentials, type TestApp, type TestUser } from '../support/factories.ts';
import { useNodeContext } from '../support/node-context.ts';
import { nextEvent } from '../support/sockets.ts';
import { useWebhookReceiver, type ReceivedDelivery } from '../support/webhook-receiver.ts';

const TIMEOUT_MS = 500;
const RETRY_WINDOW_MS = 5000;

const ctx = useNodeContext({
  env: {
    // Short, so a hang, the retries and the give-up fit in a test (the 10 s default: webhook-sender.test.ts).
    HEYYO_WEBHOOK_TIMEOUT_MS: String(TIMEOUT_MS),
    HEYYO_WEBHOOK_BACKOFF_MS: '100',
    HEYYO_WEBHOOK_BACKOFF_MAX_MS: '400',
    HEYYO_WEBHOOK_POLL_MS: '50',
    HEYYO_WEBHOOK_RETRY_WINDOW_MS: String(RETRY_WINDOW_MS),
  },
});

const receiver = useWebhookReceiver();


async function addWebhook(app: TestApp, body: Record<string, unknown>) {
  const response = await ctx.request('POST', '/api/webhooks', { headers: apiCredentials(app), body });
  expect(response.status, JSON.stringify(response.body)).toBe(201);
  return response.body as { id: string; url: string; events: string[]; secret: string; enabled: boolean };
}

async function deliveriesOf(app: TestApp, webhookId: string, query = '') {
  const response = await ctx.request('GET', `/api/webhooks/${webhookId}/deliveries${query}`, { headers: apiCredentials(app) });
  expect(response.status).toBe(200);
  return response.body as any[];
}

const ofApp = (app: TestApp) => (entry: ReceivedDelivery) => entry.event.app_id === app.id;

describe('webhook deliveries to a receiver that fails, hangs, then recovers', () => {
  it('arrive signed, in order per channel, each delivered once after the recovery', async () => {
    const app = await ctx.newApp();
    const hook = await addWebhook(app, { url: receiver.url('/ordered'), events: ['message.new'] });
    expect(hook).toMatchObject({ url: receiver.url('/ordered'), events: ['message.new'], enabled: true });
    expect(hook.secret).toMatch(/^whsec_[A-Za-z0-9_-]{43}$/);
    // Two errors, then two hangs past the timeout, then 200 for everything.
    receiver.script({ status: 500, body: 'boom' }, { status: 500 }, 'hang', 'hang');

    const owner = await ctx.newUser(app);
    const [first, second] = [await ctx.newChannel(owner), await ctx.newChannel(owner)];
    const sent: { id: string; seq: number; [key: string]: any }[] = [];
    for (let i = 1; i <= 4; i++) {
      sent.push(await ctx.send(owner, first.id, { text: `first ${i}` }));
      sent.push(await ctx.send(owner, second.id, { text: `second ${i}` }));
    }
    // A burst into one channel: sends that share a statement are numbered, and delivered, in seq order.
    sent.push(...(await Promise.all([1, 2, 3, 4, 5].map((i) => ctx.send(owner, first.id, { text: `burst ${i}` })))));

    const mine = ofApp(app);
    await eventually(() => new Set(receiver.delivered().filter(mine).map((entry) => entry.event.data.id)).size === sent.length, 'every message delivered');
    const requests = receiver.received.filter(mine);

    // The receiver failed some: every try was signed, and each event was delivered exactly once.
    expect(requests.filter((entry) => entry.answer === 'hang')).toHaveLength(2);
    expect(requests.filter((entry) => entry.answer !== 'hang' && entry.answer.status === 500)).toHaveLength(2);
    for (const entry of requests) {
      expect(entry.headers['heyyo-signature']).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/);
      const event = await verifyWebhook(entry.rawBody, entry.headers, hook.secret);
      expect(event).toEqual(entry.event);
      expect(Object.keys(event).sort()).toEqual(['app_id', 'created_at', 'data', 'id', 'type']);
      expect(event).toMatchObject({ type: 'message.new', app_id: app.id });
      expect(entry.headers['heyyo-event-id']).toBe(event.id);
      expect(entry.headers['content-type']).toBe('application/json');
    }
    await expect(verifyWebhook(requests[0]!.rawBody, requests[0]!.headers, 'whsec_wrong')).rejects.toThrow('signature mismatch');
    const delivered = receiver.delivered().filter(mine);
    expect(delivered.map((entry) => entry.event.data.id).sort()).toEqual(sent.map((message) => message.id).sort());
    expect(new Set(delivered.map((entry) => entry.event.id)).size).toBe(sent.length);

    // Per channel: in seq order, and nothing of a channel was sent before its previous event was delivered.
    for (const channel of [first, second]) {
      const tries = requests.filter((entry) => entry.event.data.channel_id === channel.id);
      const seqs = tries.map((entry) => entry.event.data.seq as number);
      const expected = sent.filter((message) => message.channel_id === channel.id).map((message) => message.seq).sort((a, b) => a - b);
      expect(delivered.filter((entry) => entry.event.data.channel_id === channel.id).map((entry) => entry.event.data.seq)).toEqual(expected);
      for (let i = 1; i < tries.length; i++) {
        expect(seqs[i]).toBeGreaterThanOrEqual(seqs[i - 1]!);
        if (seqs[i] !== seqs[i - 1]) expect(tries[i - 1]!.answer, `seq ${seqs[i]} sent before ${seqs[i - 1]} was delivered`).not.toBe('hang');
      }
    }

    // The deliveries say so too: all delivered, the first ones after several tries with their failures.
    const listed = await eventually(async () => {
      const page = await deliveriesOf(app, hook.id);
      return page.length === sent.length && page.every((delivery) => delivery.status === 'delivered') ? page : undefined;
    }, 'every delivery recorded as delivered');
    expect(listed.map((delivery) => delivery.event.data.id).sort()).toEqual(sent.map((message) => message.id).sort());
    const retried = listed.filter((delivery) => delivery.attempts > 1);
    expect(retried.length).toBeGreaterThan(0);
    expect(listed.reduce((sum, delivery) => sum + delivery.attempts, 0)).toBe(requests.length);
    for (const delivery of listed) {
      expect(delivery).toMatchObject({ webhook_id: hook.id, response_status: 200, error: null, next_attempt_at: null, redelivery_of: null });
    }
  });

  it('keeps a delivery not made within the retry window as failed, lists it, and redelivers it', async () => {
    const app = await ctx.newApp();
    const hook = await addWebhook(app, { url: receiver.url('/failing'), events: ['message.new', 'channel.created'] });
    const mine = ofApp(app);
    receiver.answerAll((entry) => (mine(entry) ? { status: 503, body: 'down for maintenance' } : { status: 200 }));
    const owner = await ctx.newUser(app);
    const channel = await ctx.newChannel(owner);
    const message = await ctx.send(owner, channel.id, { text: 'will fail' });

    const failed = await eventually(
      async () => {
        const page = await deliveriesOf(app, hook.id, '?status=failed');
        return page.length === 2 ? page : undefined;
      },
      'both deliveries given up',
      RETRY_WINDOW_MS + 10_000,
      100,
    );
    // Newest first: the message after its channel's creation, each with its last failure.
    expect(failed.map((delivery) => delivery.event.type)).toEqual(['message.new', 'channel.created']);
    for (const delivery of failed) {
      expect(delivery).toMatchObject({ status: 'failed', response_status: 503, response_body: 'down for maintenance', error: 'HTTP 503' });
      expect(delivery.attempts).toBeGreaterThanOrEqual(1);
      expect(delivery.delivered_at).toBeNull();
    }
    // The channel's first event was retried until its window ran out; the message waited behind it.
    expect(failed[1].attempts).toBeGreaterThan(1);
    const channelTries = receiver.received.filter((entry) => mine(entry) && entry.event.type === 'channel.created');
    const messageTries = receiver.received.filter((entry) => mine(entry) && entry.event.type === 'message.new');
    expect(messageTries[0]!.receivedAt).toBeGreaterThanOrEqual(channelTries.at(-1)!.receivedAt);
    expect(await deliveriesOf(app, hook.id, '?status=delivered')).toEqual([]);
    const tries = receiver.received.filter(mine);
    expect(tries.length).toBe(failed.reduce((sum, delivery) => sum + delivery.attempts, 0));

    receiver.answerAll({ status: 200 });
    const original = failed.find((delivery) => delivery.event.data.id === message.id)!;
    const redelivery = await ctx.request('POST', `/api/webhooks/${hook.id}/deliveries/${original.id}/redeliver`, { headers: apiCredentials(app) });
    expect(redelivery.status).toBe(202);
    expect(redelivery.body).toMatchObject({ status: 'pending', attempts: 0, redelivery_of: original.id, event: original.event });
    expect(redelivery.body.id).not.toBe(original.id);

    const arrived = await eventually(
      () => receiver.delivered().find((entry) => mine(entry) && entry.event.id === original.event.id),
      'the redelivered event',
    );
    expect(await verifyWebhook(arrived.rawBody, arrived.headers, hook.secret)).toEqual(original.event);
    const after = await eventually(async () => {
      const page = await deliveriesOf(app, hook.id);
      return page.find((delivery) => delivery.id === redelivery.body.id)?.status === 'delivered' ? page : undefined;
    }, 'the redelivery recorded');
    expect(after.find((delivery) => delivery.id === original.id)).toMatchObject({ status: 'failed' });
    expect(after.filter((delivery) => delivery.status === 'failed')).toHaveLength(2);
    expect(receiver.delivered().filter(mine)).toHaveLength(1);
  });
});

describe('webhook event data', () => {
  it('is the payload the realtime event carries, in the same order', async () => {
    const app = await ctx.newApp();
    receiver.answerAll({ status: 200 });
    const hook = await addWebhook(app, { url: receiver.url('/everything'), events: ['*'] });
    expect(hook.events).toEqual(['*']);
    const [owner, joiner, removed] = await Promise.all([ctx.newUser(app), ctx.newUser(app), ctx.newUser(app)]);
    const socket = await ctx.connect(owner.token);
    const heard: { type: string; data: unknown }[] = [];
    socket.onAny((event: string, payload: unknown) => heard.push({ type: event, data: payload }));
    const call = async (user: TestUser, method: string, path: string, body?: unknown) => {
      const response = await ctx.request(method, path, { token: user.token, ...(body === undefined ? {} : { body }) });
      expect(response.status, `${method} ${path}: ${JSON.stringify(response.body)}`).toBeLessThan(300);
      return response.body;
    };

    const created = await call(owner, 'POST', '/api/channels', { name: 'webhooked', members: [removed.id] });
    const channel = `/api/channels/${created.id}`;
    const heardEvent = (type: string) => nextEvent(socket, type as never);
    const step = async (type: string, action: () => Promise<unknown>) => {
      const event = heardEvent(type);
      await action();
      await event;
    };
    await step('member.joined', () => call(joiner, 'POST', `${channel}/join`));
    const parent = await ctx.send(owner, created.id, { text: 'parent', attachments: [{ type: 'image', url: 'https://example.com/a.png' }], metadata: { k: 1 } });
    await eventually(() => heard.some((entry) => entry.type === 'message.new'), 'message.new');
    await step('message.updated', () => call(owner, 'PATCH', `${channel}/messages/${parent.id}`, { text: 'parent, edited' }));
    await step('reaction.new', () => call(joiner, 'POST', `${channel}/messages/${parent.id}/reactions`, { type: ':heart:' }));
    await step('reaction.deleted', () => call(joiner, 'DELETE', `${channel}/messages/${parent.id}/reactions/${encodeURIComponent(':heart:')}`));
    const reply = await ctx.send(joiner, created.id, { text: 'a reply', parent_id: parent.id });
    await eventually(() => heard.filter((entry) => entry.type === 'message.new').length === 2, 'the reply');
    await step('message.updated', () => call(joiner, 'DELETE', `${channel}/messages/${reply.id}`));
    await step('member.removed', () => call(owner, 'DELETE', `${channel}/members/${removed.id}`));
    await step('member.left', () => call(joiner, 'POST', `${channel}/leave`));
    await step('channel.updated', () => call(owner, 'PATCH', channel, { description: 'now with webhooks', slow_mode_seconds: 5 }));
    await step('channel.deleted', () => call(owner, 'DELETE', channel));
    const deletedUser = await ctx.request('DELETE', `/api/users/${removed.id}`, { headers: apiCredentials(app) });
    expect(deletedUser.status).toBe(200);

    const types = new Set(['message.new', 'message.updated', 'message.deleted', 'reaction.new', 'reaction.deleted', 'member.joined', 'member.left', 'member.removed', 'channel.updated', 'channel.deleted']);
    const live = heard.filter((entry) => types.has(entry.type));
    const expected = [{ type: 'channel.created', data: created }, ...live, { type: 'user.deleted', data: deletedUser.body }];
    const mine = ofApp(app);
    await eventually(() => receiver.delivered().filter(mine).length === expected.length, `${expected.length} events delivered`);
    const delivered = receiver.delivered().filter(mine);
    const inChannel = delivered.filter((entry) => entry.event.type !== 'user.deleted');
    expect(inChannel.map(({ event }) => ({ type: event.type, data: event.data }))).toEqual(expected.slice(0, -1));
    expect(delivered.find((entry) => entry.event.type === 'user.deleted')!.event.data).toEqual(deletedUser.body);
    expect(expected.map((entry) => entry.type)).toEqual([
      'channel.created',
      'member.joined',
      'message.new',
      'message.updated',
      'reaction.new',
      'reaction.deleted',
      'message.new',
      'message.deleted',
      'message.updated',
      'member.removed',
      'member.left',
      'channel.updated',
      'channel.deleted',
      'user.deleted',
    ]);
    for (const entry of delivered) await verifyWebhook(entry.rawBody, entry.headers, hook.secret);
  });
});
