import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import { launchChromium } from '../support/chromium.ts';
import { fetchRequester } from '../support/node-context.ts';
import { useNodeProcess } from '../support/node-process-context.ts';
import { bundleSdk } from '../support/browser-bundle.ts';
import { servePage, type PageServer } from '../support/page-server.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * The page: loads the bundled SDK as a module and offers the steps the test drives.
 * Every client event is reported to Node through the exposed `heyyoEvent`.
 */
const PAGE = `<!doctype html>
<meta charset="utf-8">
<title>Heyyo SDK in the browser</title>
<script type="module">
import { HeyyoClient } from './heyyo-sdk.js';

const clients = {};

globalThis.setUp = async ({ apiUrl, tokenA, tokenB, userBId, channelName }) => {
  for (const [who, token] of [['A', tokenA], ['B', tokenB]]) {
    const client = new HeyyoClient({ apiUrl, token, autoConnect: false });
    client.on('error', (error) => heyyoEvent(who, 'error', { name: error.name, message: error.message }));
    client.on('connection.changed', (event) => heyyoEvent(who, 'connection.changed', event));
    client.on('message.new', (message) => heyyoEvent(who, 'message.new', message));
    clients[who] = client;
  }
  // REST to another origin: a preflighted POST (JSON body, bearer token), then a GET.
  const channel = await clients.A.channels.create(channelName, { type: 'messaging', members: [userBId] });
  const { items: listedByB } = await clients.B.channels.list();
  // Socket.IO to another origin.
  await Promise.all([clients.A.connect(), clients.B.connect()]);
  return { channel, listedByB, connected: { A: clients.A.connected, B: clients.B.connected } };
};

globalThis.sendFromA = async (channelId, text) => {
  const connectedBefore = clients.A.connected;
  const message = await clients.A.messages.send(channelId, text);
  return { connectedBefore, message };
};

globalThis.tearDown = () => Object.values(clients).forEach((client) => client.disconnect());
globalThis.sdkReady = true;
</script>
`;

interface PageEvent {
  who: 'A' | 'B';
  event: string;
  payload: any;
}

/** Polls `check` until it returns true, or fails with `what` after `timeoutMs`. */
async function waitUntil(what: string, check: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/**
 * Evaluates `expression` in the page. A failure is rethrown with the page's stack as
 * plain text: its frames name page URLs (http://127.0.0.1:…/), and vitest, mapping
 * them to files, would crash reading the directory "/".
 */
async function inPage<T>(page: Page, expression: string): Promise<T> {
  try {
    return (await page.evaluate(expression)) as T;
  } catch (error) {
    // The page's frames are kept as text, without the "at" that would make vitest read them.
    const message = (error as Error).message.replace(/^(\s*)at /gm, '$1from ');
    const failure = new Error(`in the page, ${expression.slice(0, 40)}…: ${message}`);
    failure.stack = failure.message;
    throw failure;
  }
}

/**
 * The built SDK in a real Chromium: a page on one origin, the Heyyo node (one
 * process with every role, as `npm start` runs it) on another, so REST and
 * Socket.IO both cross origins.
 */
describe('the SDK in a browser', () => {
  const ctx = useNodeProcess('sdk_browser');
  let server: PageServer | undefined;
  let browser: Browser | undefined;
  let pageOrigin: string;
  let bundled: { code: string; inputs: string[] };

  beforeAll(async () => {
    bundled = await bundleSdk();
    server = await servePage({ '/': { type: 'html', body: PAGE }, '/heyyo-sdk.js': { type: 'js', body: bundled.code } });
    pageOrigin = server.origin;
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('bundles into one self-contained file without Node-only modules', () => {
    expect(bundled.inputs.some((input) => input.includes('node_modules/socket.io-client/'))).toBe(true);
    expect(bundled.inputs.filter((input) => /node_modules\/(ws|xmlhttprequest-ssl)\//.test(input))).toEqual([]);
    expect(bundled.code).not.toMatch(/^\s*import\b|\brequire\(/m);
  });

  it("B's client receives exactly the message A's client sends over the WebSocket", async () => {
    const app = await ctx.newApp('Browser');
    const [userA, userB] = [await ctx.newUser(app), await ctx.newUser(app)];
    const nodeOrigin = new URL(ctx.url).origin;
    expect(nodeOrigin).not.toBe(pageOrigin);

    const page: Page = await browser!.newPage();
    const events: PageEvent[] = [];
    const problems: string[] = [];
    const restCalls: { method: string; url: string }[] = [];
    const restResponses: { method: string; url: string; status: number; allowOrigin: string | undefined }[] = [];
    const sockets: { url: string; sent: string[] }[] = [];
    await page.exposeFunction('heyyoEvent', (who: 'A' | 'B', event: string, payload: unknown) => {
      events.push({ who, event, payload });
    });
    page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(`console: ${message.text()}`);
    });
    page.on('request', (request) => {
      if (request.url().startsWith(`${nodeOrigin}/api/`)) restCalls.push({ method: request.method(), url: request.url() });
    });
    page.on('response', (response) => {
      const request = response.request();
      if (!request.url().startsWith(`${nodeOrigin}/api/`)) return;
      restResponses.push({
        method: request.method(),
        url: request.url(),
        status: response.status(),
        allowOrigin: response.headers()['access-control-allow-origin'],
      });
    });
    page.on('websocket', (socket) => {
      const record = { url: socket.url(), sent: [] as string[] };
      sockets.push(record);
      socket.on('framesent', ({ payload }) => record.sent.push(String(payload)));
    });

    try {
      await page.goto(`${pageOrigin}/`);
      // A failure here comes with what the page reported (CORS refusals show in the console).
      onTestFailed(() => console.error(`page console and errors:\n${problems.join('\n')}`));
      await page.waitForFunction('globalThis.sdkReady === true', undefined, { timeout: 10_000 });

      // REST and Socket.IO across origins.
      const setUp = await inPage<{ channel: { id: string; name: string }; listedByB: { id: string }[]; connected: { A: boolean; B: boolean } }>(
        page,
        `setUp(${JSON.stringify({ apiUrl: ctx.url, tokenA: userA.token, tokenB: userB.token, userBId: userB.id, channelName: 'browser-room' })})`,
      );
      expect(setUp.channel.name).toBe('browser-room');
      expect(setUp.listedByB.map(({ id }) => id)).toEqual([setUp.channel.id]);
      expect(setUp.connected).toEqual({ A: true, B: true });
      const channelPost = restResponses.find(({ method, url }) => method === 'POST' && url === `${nodeOrigin}/api/channels`);
      expect(channelPost, JSON.stringify(restResponses)).toMatchObject({ status: 201, allowOrigin: pageOrigin });
      expect(restResponses.find(({ method }) => method === 'GET')).toMatchObject({ status: 200, allowOrigin: pageOrigin });
      // One WebSocket per client, to the node, with no long-polling first.
      expect(sockets.map(({ url }) => new URL(url).origin)).toEqual([nodeOrigin.replace(/^http/, 'ws'), nodeOrigin.replace(/^http/, 'ws')]);
      expect(sockets.every(({ url }) => new URL(url).searchParams.get('transport') === 'websocket')).toBe(true);

      const text = `Hello from Chromium ${Date.now()}`;
      const restCallsBeforeSend = restCalls.length;
      const sent = await inPage<{
        connectedBefore: boolean;
        message: { id: string; channel_id: string; user_id: string; seq: number; text: string };
      }>(page, `sendFromA(${JSON.stringify(setUp.channel.id)}, ${JSON.stringify(text)})`);

      // A was connected, so the message went over its WebSocket: a message.send frame, no REST call.
      expect(sent.connectedBefore).toBe(true);
      expect(restCalls.slice(restCallsBeforeSend)).toEqual([]);
      const sendFrames = sockets.flatMap(({ sent: frames }) => frames.filter((frame) => frame.includes('"message.send"')));
      expect(sendFrames).toHaveLength(1);
      expect(sendFrames[0]).toContain(JSON.stringify(text));
      expect(sendFrames[0]).toContain(setUp.channel.id);
      expect(sent.message).toMatchObject({ channel_id: setUp.channel.id, user_id: userA.id, text, seq: 1 });
      expect(sent.message.id).toMatch(UUID);

      // B hears it once: the first message.new, and no second one after a grace period.
      const receivedByB = () => events.filter(({ who, event }) => who === 'B' && event === 'message.new');
      await waitUntil("B's message.new", () => receivedByB().length > 0);
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(receivedByB()).toHaveLength(1);
      expect(receivedByB()[0]!.payload).toMatchObject({
        id: sent.message.id,
        channel_id: setUp.channel.id,
        user_id: userA.id,
        text,
        seq: sent.message.seq,
        deleted_at: null,
        edited_at: null,
      });

      // The stored message agrees (REST from Node, as B).
      const history = await fetchRequester(() => ctx.url)('GET', `/api/channels/${setUp.channel.id}/messages`, { token: userB.token });
      expect(history.body.map(({ id, seq, text }: { id: string; seq: number; text: string }) => ({ id, seq, text }))).toEqual([
        { id: sent.message.id, seq: sent.message.seq, text },
      ]);

      expect(events.filter(({ event }) => event === 'error')).toEqual([]);
      expect(problems).toEqual([]);
    } finally {
      await page.evaluate('globalThis.tearDown?.()').catch(() => {});
      await page.close();
    }
  });
});
