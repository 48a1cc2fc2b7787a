/**
 * Webhook endpoints through the server API (CRUD, validation, limits, tenant isolation), the outbox
 * (written with the change, in its transaction, only for an enabled endpoint that takes the type),
 * and the relay's rules, driven by hand: one delivery in flight per (endpoint, channel), a handed-out
 * delivery whose job was lost handed out again after its lease, one send per try.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { createWebhookDelivery } from '@heyyo/chat';
import { WEBHOOK_EVENT_TYPES, type WebhookJob } from '@heyyo/contracts';
import { verifiedAppId } from '@heyyo/database';
import { useApiContext } from '../support/api-context.ts';
import { apiCredentials, type TestApp } from '../support/factories.ts';
import { useWebhookReceiver } from '../support/webhook-receiver.ts';

const ctx = useApiContext({
  env: {
    HEYYO_WEBHOOK_MAX_ENDPOINTS: '3',
    // The node's own relay stays idle (one round at start): these tests hand deliveries out by hand.
    HEYYO_WEBHOOK_POLL_MS: '3600000',
  },
});

const receiver = useWebhookReceiver();

const hooks = (app: TestApp, method: string, path = '', body?: unknown) =>
  ctx.request(method, `/api/webhooks${path}`, { headers: apiCredentials(app), ...(body === undefined ? {} : { body }) });

/** An app with an endpoint taking `events` (at the receiver), and its owner with a channel. */
async function appWithWebhook(events: string[] = ['*'], enabled = true) {
  const app = await ctx.newApp();
  const created = await hooks(app, 'POST', '', { url: receiver.url(), events, enabled });
  expect(created.status).toBe(201);
  const owner = await ctx.newUser(app);
  return { app, owner, hook: created.body as { id: string; secret: string } };
}

const outbox = async (appId: string) =>
  (await ctx.sql`select type, channel_id, data from webhook_events where app_id = ${appId} order by seq`) as unknown as {
    type: string;
    channel_id: string | null;
    data: Record<string, any>;
  }[];

describe('/api/webhooks', () => {
  it('creates, lists, reads, changes and deletes endpoints; the secret is shown with them', async () => {
    const app = await ctx.newApp();
    const created = await hooks(app, 'POST', '', { url: 'https://hooks.invalid.example/heyyo', events: ['message.new', 'member.joined'] });
    expect(created.status).toBe(201);
    expect(created.body).toEqual({
      id: expect.any(String),
      url: 'https://hooks.invalid.example/heyyo',
      events: ['message.new', 'member.joined'],
      enabled: true,
      secret: expect.stringMatching(/^whsec_[A-Za-z0-9_-]{43}$/),
      created_at: expect.any(String),
      updated_at: expect.any(String),
    });
    const { id, secret } = created.body;
    const other = await hooks(app, 'POST', '', { url: 'http://127.0.0.1:9/other', events: ['*', 'message.new'], enabled: false });
    expect(other.body).toMatchObject({ events: ['*'], enabled: false });
    expect(other.body.secret).not.toBe(secret);

    expect((await hooks(app, 'GET')).body.map((hook: { id: string }) => hook.id)).toEqual([id, other.body.id]);
    expect((await hooks(app, 'GET', `/${id}`)).body).toEqual(created.body);

    const changed = await hooks(app, 'PATCH', `/${id}`, { events: ['channel.deleted'], enabled: false });
    expect(changed.status).toBe(200);
    expect(changed.body).toMatchObject({ id, url: created.body.url, events: ['channel.deleted'], enabled: false, secret });
    expect((await hooks(app, 'PATCH', `/${id}`, { url: 'https://elsewhere.invalid.example/h' })).body.url).toBe('https://elsewhere.invalid.example/h');

    expect((await hooks(app, 'DELETE', `/${id}`)).body).toEqual({ message: 'Webhook deleted' });
    expect((await hooks(app, 'GET', `/${id}`)).body.code).toBe('HEYYO_ERR_WEBHOOK_NOT_FOUND');
    expect((await hooks(app, 'DELETE', `/${id}`)).status).toBe(404);
    expect((await hooks(app, 'GET', `/${id}/deliveries`)).status).toBe(404);
    expect((await hooks(app, 'GET', '/not-a-uuid')).status).toBe(404);
  });

  it('refuses bad input', async () => {
    const app = await ctx.newApp();
    const refused = async (body: unknown, fragment: string) => {
      const response = await hooks(app, 'POST', '', body);
      expect(response.status, JSON.stringify(body)).toBe(400);
      expect(response.body.code).toBe('HEYYO_ERR_VALIDATION');
      expect(response.body.error).toContain(fragment);
    };
    await refused({ url: 'ftp://example.com/hook', events: ['message.new'] }, 'url');
    await refused({ url: 'javascript:alert(1)', events: ['message.new'] }, 'url');
    await refused({ url: 'not a url', events: ['message.new'] }, 'url');
    await refused({ url: `https://example.com/${'a'.repeat(2048)}`, events: ['message.new'] }, 'url');
    await refused({ url: 'https://example.com/hook', events: [] }, 'events');
    await refused({ url: 'https://example.com/hook', events: ['message.sent'] }, 'events');
    await refused({ url: 'https://example.com/hook', events: ['message.new', 'message.new'] }, 'events');
    await refused({ url: 'https://example.com/hook' }, 'events');
    await refused({ events: ['message.new'] }, 'url');
    await refused({ url: 'https://example.com/hook', events: ['message.new'], secret: 'mine' }, 'secret');
    const created = await hooks(app, 'POST', '', { url: 'https://example.com/hook', events: ['message.new'] });
    expect((await hooks(app, 'PATCH', `/${created.body.id}`, {})).status).toBe(400);
    expect((await hooks(app, 'PATCH', `/${created.body.id}`, { url: 'file:///etc/passwd' })).status).toBe(400);
    expect((await hooks(app, 'GET', `/${created.body.id}/deliveries?status=lost`)).status).toBe(400);
    expect((await hooks(app, 'GET', `/${created.body.id}/deliveries?limit=101`)).status).toBe(400);
    // Server API only: a user token is no key.
    const user = await ctx.newUser(app);
    expect((await ctx.request('GET', '/api/webhooks', { token: user.token })).status).toBe(401);
  });

  it('keeps an app to its number of endpoints', async () => {
    const app = await ctx.newApp();
    const create = () => hooks(app, 'POST', '', { url: 'https://example.com/hook', events: ['message.new'] });
    const made = await Promise.all([create(), create(), create(), create(), create()]);
    expect(made.map((response) => response.status).sort()).toEqual([201, 201, 201, 409, 409]);
    expect(made.find((response) => response.status === 409)!.body.code).toBe('HEYYO_ERR_WEBHOOK_LIMIT');
    expect((await hooks(app, 'GET')).body).toHaveLength(3);
  });

  it("keeps each app's endpoints and deliveries to itself", async () => {
    const { app: mine, owner, hook } = await appWithWebhook(['message.new']);
    const theirs = await ctx.newApp();
    const channel = await ctx.newChannel(owner);
    await ctx.send(owner, channel.id);
    const [delivery] = (await hooks(mine, 'GET', `/${hook.id}/deliveries`)).body;
    expect(delivery).toMatchObject({ status: 'pending', attempts: 0 });

    expect((await hooks(theirs, 'GET')).body).toEqual([]);
    for (const [method, path, body] of [
      ['GET', `/${hook.id}`],
      ['PATCH', `/${hook.id}`, { enabled: false }],
      ['DELETE', `/${hook.id}`],
      ['GET', `/${hook.id}/deliveries`],
      ['POST', `/${hook.id}/deliveries/${delivery.id}/redeliver`],
    ] as const) {
      const response = await hooks(theirs, method, path, body);
      expect(response.status, `${method} ${path}`).toBe(404);
      expect(response.body.code).toBe('HEYYO_ERR_WEBHOOK_NOT_FOUND');
    }
    // Their own endpoint cannot name my delivery either.
    const own = await hooks(theirs, 'POST', '', { url: receiver.url(), events: ['*'] });
    const redeliver = await hooks(theirs, 'POST', `/${own.body.id}/deliveries/${delivery.id}/redeliver`);
    expect(redeliver.status).toBe(404);
    expect(redeliver.body.code).toBe('HEYYO_ERR_DELIVERY_NOT_FOUND');
    // Their events are not mine, mine not theirs.
    const stranger = await ctx.newUser(theirs);
    await ctx.send(stranger, (await ctx.newChannel(stranger)).id);
    expect((await hooks(mine, 'GET', `/${hook.id}/deliveries`)).body).toHaveLength(1);
    expect((await hooks(theirs, 'GET', `/${own.body.id}/deliveries`)).body.map((entry: any) => entry.event.type).sort()).toEqual([
      'channel.created',
      'message.new',
    ]);
    expect((await hooks(mine, 'GET', `/${hook.id}`)).status).toBe(200);
  });
});

describe('the OpenAPI document', () => {
  it('has the webhook routes, and every event type as an OpenAPI webhook', async () => {
    const document = (await ctx.app.inject('/openapi.json')).json();
    expect(document.paths['/api/webhooks'].post.security).toEqual([{ apiKey: [], apiSecret: [] }]);
    expect(document.paths['/api/webhooks/{id}/deliveries/{deliveryId}/redeliver'].post.tags).toEqual(['Webhooks']);
    expect(Object.keys(document.webhooks).sort()).toEqual([...WEBHOOK_EVENT_TYPES].sort());
    const body = document.webhooks['message.new'].post.requestBody.content['application/json'].schema;
    expect(body.required).toEqual(['id', 'type', 'created_at', 'app_id', 'data']);
    expect(body.properties.type.const).toBe('message.new');
    expect(body.properties.data.properties.seq).toBeDefined();
  });
});

describe('the webhook outbox', () => {
  it('records an event only for an enabled endpoint of the app that takes its type', async () => {
    const { app, owner, hook } = await appWithWebhook(['member.joined']);
    const channel = await ctx.newChannel(owner);
    await ctx.send(owner, channel.id);
    const joiner = await ctx.newUser(app);
    expect((await ctx.request('POST', `/api/channels/${channel.id}/join`, { token: joiner.token })).status).toBe(200);
    expect((await outbox(app.id)).map((event) => event.type)).toEqual(['member.joined']);

    await hooks(app, 'PATCH', `/${hook.id}`, { enabled: false });
    expect((await ctx.request('POST', `/api/channels/${channel.id}/leave`, { token: joiner.token })).status).toBe(200);
    expect((await ctx.request('POST', `/api/channels/${channel.id}/join`, { token: joiner.token })).status).toBe(200);
    expect(await outbox(app.id)).toHaveLength(1);

    // An app without endpoints writes nothing at all.
    const quiet = await ctx.newUser();
    await ctx.send(quiet, (await ctx.newChannel(quiet)).id);
    expect(await outbox(quiet.app.id)).toEqual([]);
  });

  it('writes one event, and one delivery per endpoint that takes it', async () => {
    const { app, owner } = await appWithWebhook(['message.new']);
    await hooks(app, 'POST', '', { url: receiver.url('/second'), events: ['*'] });
    await hooks(app, 'POST', '', { url: receiver.url('/third'), events: ['channel.deleted'] });
    const channel = await ctx.newChannel(owner);
    const message = await ctx.send(owner, channel.id, { text: 'to two endpoints' });
    const events = await outbox(app.id);
    expect(events.map((event) => event.type)).toEqual(['channel.created', 'message.new']);
    expect(events[1]!.data).toEqual(message);
    expect(events[1]!.channel_id).toBe(channel.id);
    const [counted] = await ctx.sql`
      select count(*)::int as deliveries from webhook_deliveries d join webhook_events e on e.id = d.event_id
       where e.app_id = ${app.id} and e.type = 'message.new'`;
    expect(counted!.deliveries).toBe(2);
  });

  it('numbers the events of sends that share a statement in their seq order', async () => {
    const { app, owner } = await appWithWebhook(['message.new']);
    const channel = await ctx.newChannel(owner);
    const sent = await Promise.all(Array.from({ length: 30 }, (_, i) => ctx.send(owner, channel.id, { text: `burst ${i}` })));
    const events = await outbox(app.id);
    expect(events).toHaveLength(30);
    expect(events.map((event) => event.data.seq)).toEqual(sent.map((message) => message.seq).sort((a, b) => a - b));
    const byId = new Map(sent.map((message) => [message.id, message]));
    for (const event of events) expect(event.data).toEqual(byId.get(event.data.id));
  });

  it('is written in the transaction of the change: a change that fails leaves no event', async () => {
    const { app, owner } = await appWithWebhook(['*']);
    const channel = await ctx.newChannel(owner);
    // A send's statement fails (after its CTEs would have written the event).
    await ctx.sql.unsafe(`
      create function heyyo_test_refuse() returns trigger language plpgsql as $$
        begin raise exception 'refused by the test'; end $$;
      create trigger heyyo_test_refuse_send before insert on messages
        for each row when (new.text = 'refused send') execute function heyyo_test_refuse();
      create trigger heyyo_test_refuse_event before insert on webhook_events
        for each row when (new.type = 'message.updated' and new.data->>'text' = 'refusing parent') execute function heyyo_test_refuse();`);
    try {
      const before = await outbox(app.id);
      const refused = await ctx.request('POST', `/api/channels/${channel.id}/messages`, { token: owner.token, body: { text: 'refused send' } });
      expect(refused.status).toBe(500);
      expect(await outbox(app.id)).toEqual(before);

      // A delete whose second statement fails: the first one's message.deleted goes with it.
      const parent = await ctx.send(owner, channel.id, { text: 'refusing parent' });
      const reply = await ctx.send(owner, channel.id, { text: 'a reply', parent_id: parent.id });
      const written = await outbox(app.id);
      const deleted = await ctx.request('DELETE', `/api/channels/${channel.id}/messages/${reply.id}`, { token: owner.token });
      expect(deleted.status).toBe(500);
      expect(await outbox(app.id)).toEqual(written);
      const [stored] = await ctx.sql`select deleted_at from messages where id = ${reply.id}`;
      expect(stored!.deleted_at).toBeNull();
    } finally {
      await ctx.sql.unsafe(`
        drop trigger heyyo_test_refuse_send on messages;
        drop trigger heyyo_test_refuse_event on webhook_events;
        drop function heyyo_test_refuse();`);
    }
    const reply = await ctx.send(owner, channel.id, { text: 'deleted for real' });
    expect((await ctx.request('DELETE', `/api/channels/${channel.id}/messages/${reply.id}`, { token: owner.token })).status).toBe(200);
    expect((await outbox(app.id)).at(-1)).toMatchObject({ type: 'message.deleted', data: { messageId: reply.id } });
  });
});

describe('the webhook relay', () => {
  // The relay hands out every app's deliveries: the earlier tests' pending ones are set aside.
  beforeEach(async () => {
    await ctx.sql`update webhook_deliveries set status = 'failed' where status = 'pending'`;
  });

  function deliveryByHand(leaseMs: number, queue: (job: WebhookJob) => Promise<void>) {
    return createWebhookDelivery({ repos: ctx.repos, jobs: { webhookDelivery: queue }, webhooks: ctx.config.webhooks, leaseMs });
  }

  it('hands out one delivery per (endpoint, channel) at a time, and each try is sent once', async () => {
    receiver.answerAll({ status: 200 });
    const { app, owner } = await appWithWebhook(['message.new']);
    const [first, second] = [await ctx.newChannel(owner), await ctx.newChannel(owner)];
    for (const channel of [first, first, first, second, second]) await ctx.send(owner, channel.id);
    const queued: WebhookJob[] = [];
    const relay = deliveryByHand(60_000, async (job) => void queued.push(job));

    expect(await relay.relayOnce()).toBe(2);
    expect(queued.map((job) => job.attempt)).toEqual([0, 0]);
    // Handed out: not again while leased, and the others of their channels wait behind them.
    expect(await relay.relayOnce()).toBe(0);

    const [job] = queued.splice(0, 1);
    expect(await relay.deliver({ data: job!, attemptsMade: 0 })).toEqual({ status: 'delivered' });
    // Its channel's next one is handed out at once.
    expect(queued).toHaveLength(2);
    // The same try again (a duplicate job): nothing is sent.
    expect(await relay.deliver({ data: job!, attemptsMade: 0 })).toEqual({ status: 'skipped' });
    expect(receiver.received.filter((entry) => entry.event.app_id === app.id)).toHaveLength(1);

    for (let job = queued.shift(); job; job = queued.shift()) await relay.deliver({ data: job, attemptsMade: 0 });
    const received = receiver.received.filter((entry) => entry.event.app_id === app.id);
    expect(received).toHaveLength(5);
    for (const channel of [first, second]) {
      const seqs = received.filter((entry) => entry.event.data.channel_id === channel.id).map((entry) => entry.event.data.seq);
      expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    }
  });

  it('hands a delivery out again when its job was lost (the queue was unreachable)', async () => {
    const { app, owner, hook } = await appWithWebhook(['message.new']);
    await ctx.send(owner, (await ctx.newChannel(owner)).id);
    const down = deliveryByHand(300, async () => {
      throw new Error('Connection is closed');
    });
    expect(await down.relayOnce()).toBe(1);
    expect(await down.relayOnce()).toBe(0);
    const [pending] = (await hooks(app, 'GET', `/${hook.id}/deliveries`)).body;
    expect(pending).toMatchObject({ status: 'pending', attempts: 0 });

    await new Promise((resolve) => setTimeout(resolve, 350));
    const queued: WebhookJob[] = [];
    const up = deliveryByHand(300, async (job) => void queued.push(job));
    expect(await up.relayOnce()).toBe(1);
    expect(queued).toEqual([{ deliveryId: pending.id, attempt: 0 }]);
    receiver.answerAll({ status: 204 });
    expect(await up.deliver({ data: queued[0]!, attemptsMade: 0 })).toEqual({ status: 'delivered' });
    const [delivered] = (await hooks(app, 'GET', `/${hook.id}/deliveries`)).body;
    expect(delivered).toMatchObject({ id: pending.id, status: 'delivered', attempts: 1, response_status: 204 });
  });

  it('holds a channel back while its first delivery fails, not the other channels', async () => {
    const { app, owner, hook } = await appWithWebhook(['message.new']);
    const [stuck, flowing] = [await ctx.newChannel(owner), await ctx.newChannel(owner)];
    await ctx.send(owner, stuck.id, { text: 'fails' });
    await ctx.send(owner, stuck.id, { text: 'waits' });
    await ctx.send(owner, flowing.id, { text: 'flows' });
    receiver.answerAll((entry) => (entry.event.data.text === 'fails' ? { status: 500, body: 'no' } : { status: 200 }));
    const queued: WebhookJob[] = [];
    const relay = deliveryByHand(60_000, async (job) => void queued.push(job));
    expect(await relay.relayOnce()).toBe(2);
    for (let job = queued.shift(); job; job = queued.shift()) await relay.deliver({ data: job, attemptsMade: 0 });
    // The failed one waits for its retry (10 s by default), and the one behind it with it.
    expect(await relay.relayOnce()).toBe(0);
    const deliveries = (await hooks(app, 'GET', `/${hook.id}/deliveries`)).body as any[];
    const byText = (text: string) => deliveries.find((delivery) => delivery.event.data.text === text);
    expect(byText('fails')).toMatchObject({ status: 'pending', attempts: 1, response_status: 500, response_body: 'no', error: 'HTTP 500' });
    expect(new Date(byText('fails').next_attempt_at).getTime()).toBeGreaterThan(Date.now() + 5000);
    expect(byText('waits')).toMatchObject({ status: 'pending', attempts: 0 });
    expect(byText('flows')).toMatchObject({ status: 'delivered', attempts: 1 });
    const pending = (await hooks(app, 'GET', `/${hook.id}/deliveries?status=pending`)).body as any[];
    expect(pending.map((delivery) => delivery.event.data.text)).toEqual(['waits', 'fails']);
    // Its endpoint deleted: its deliveries go with it.
    await hooks(app, 'DELETE', `/${hook.id}`);
    const [remaining] = await ctx.sql`select count(*)::int as left from webhook_deliveries where app_id = ${app.id}`;
    expect(remaining!.left).toBe(0);
    expect(await ctx.repos.webhooks.findEndpoint(verifiedAppId(app.id), hook.id)).toBeUndefined();
  });
});
