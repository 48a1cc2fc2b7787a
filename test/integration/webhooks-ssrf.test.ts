/**
 * Webhooks on a node that, like a production one, refuses internal addresses
 * (HEYYO_WEBHOOK_ALLOW_PRIVATE=0): when an endpoint is saved, and again when a delivery connects —
 * an endpoint whose name resolves to an internal address later (DNS rebinding) gets nothing.
 * Only IP literals and `localhost` (from /etc/hosts) are used: no name is looked up over the
 * network, and nothing but the local receiver is ever connected to.
 */
import { describe, expect, it } from 'vitest';
import { verifiedAppId } from '@heyyo/database';
import { useApiContext } from '../support/api-context.ts';
import { eventually } from '../support/eventually.ts';
import { apiCredentials } from '../support/factories.ts';
import { useWebhookReceiver } from '../support/webhook-receiver.ts';

const ctx = useApiContext({ env: { HEYYO_WEBHOOK_ALLOW_PRIVATE: '0', HEYYO_WEBHOOK_POLL_MS: '50' } });

const receiver = useWebhookReceiver();


describe('webhook URLs on a node that refuses internal addresses', () => {
  it('are refused when they point inside', async () => {
    const app = await ctx.newApp();
    const internal: [string, string][] = [
      ['http://127.0.0.1/hook', 'loopback'],
      ['http://127.10.20.30:8080/hook', 'loopback'],
      ['http://[::1]/hook', 'loopback'],
      ['http://localhost:4000/hook', 'loopback'],
      ['https://10.0.0.1/hook', 'private'],
      ['http://172.16.5.4/hook', 'private'],
      ['http://192.168.1.1/hook', 'private'],
      ['http://169.254.169.254/latest/meta-data/', 'link-local'],
      ['http://[fe80::1]/hook', 'link-local'],
      ['http://[fd12:3456::1]/hook', 'unique-local'],
      ['http://[::ffff:127.0.0.1]/hook', 'loopback'],
      ['http://[::ffff:10.1.2.3]/hook', 'private'],
      ['http://224.0.0.1/hook', 'multicast'],
      ['http://[ff02::1]/hook', 'multicast'],
      ['http://0.0.0.0/hook', 'unspecified'],
      ['http://100.64.0.1/hook', 'special-purpose'],
      ['http://0x7f000001/hook', 'loopback'],
    ];
    for (const [url, kind] of internal) {
      const response = await ctx.request('POST', '/api/webhooks', { headers: apiCredentials(app), body: { url, events: ['*'] } });
      expect(response.status, url).toBe(400);
      expect(response.body.code).toBe('HEYYO_ERR_VALIDATION');
      expect(response.body.error, url).toContain(`${kind} address`);
    }
    expect((await ctx.request('GET', '/api/webhooks', { headers: apiCredentials(app) })).body).toEqual([]);
  });

  it('gets nothing delivered to an endpoint that points inside by the time it is sent', async () => {
    const app = await ctx.newApp();
    // Saved when its name pointed elsewhere; now it points at this machine.
    const endpoint = await ctx.repos.webhooks.createEndpoint(
      verifiedAppId(app.id),
      { url: receiver.url(), events: ['message.new'], enabled: true, secret: 'whsec_test' },
      10,
    );
    if (endpoint === 'limit') throw new Error('unexpected limit');
    const byName = await ctx.repos.webhooks.createEndpoint(
      verifiedAppId(app.id),
      { url: receiver.url().replace('127.0.0.1', 'localhost'), events: ['message.new'], enabled: true, secret: 'whsec_test' },
      10,
    );
    if (byName === 'limit') throw new Error('unexpected limit');
    const owner = await ctx.newUser(app);
    await ctx.send(owner, (await ctx.newChannel(owner)).id, { text: 'for nobody inside' });

    const tried = async (id: string) => {
      const response = await ctx.request('GET', `/api/webhooks/${id}/deliveries`, { headers: apiCredentials(app) });
      // A try is counted when it starts; its outcome is recorded when it ends.
      return response.body.find((delivery: { attempts: number; error: string | null }) => delivery.attempts > 0 && delivery.error !== null);
    };
    const literal = await eventually(() => tried(endpoint.id), 'a try to the address');
    expect(literal).toMatchObject({ status: 'pending', response_status: null, error: 'refused: 127.0.0.1 is a loopback address' });
    const named = await eventually(() => tried(byName.id), 'a try to the name');
    expect(named).toMatchObject({ status: 'pending', response_status: null, error: 'refused: localhost resolves to a loopback address' });
    expect(receiver.received).toEqual([]);

    // Changing it to an internal URL is refused like creating one.
    const patched = await ctx.request('PATCH', `/api/webhooks/${endpoint.id}`, {
      headers: apiCredentials(app),
      body: { url: 'http://[::1]:9/elsewhere' },
    });
    expect(patched.status).toBe(400);
  });
});
