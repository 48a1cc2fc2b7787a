/**
 * Real outages under a steady load, on two real node processes (all roles) sharing the test's
 * own redis-server (stopped and started again: every key is lost) and a Postgres behind a TCP
 * proxy (cut for 10 s). Senders retry a failed send with the same client id, as the SDK's
 * users do; members are SDK clients (live events, catch-up on a gap). Afterwards every
 * acknowledged message is stored once and delivered to every member once, in seq order, and
 * every counter matches a recount. During the outage no attempt hangs, /ready says 503 within
 * a second, and the nodes come back by themselves.
 */
import { randomUUID } from 'node:crypto';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HeyyoClient, UnavailableError, type Message } from '@heyyo/sdk';
import { eventually } from '../support/eventually.ts';
import { createFactories, type TestUser } from '../support/factories.ts';
import { FAST_PRESENCE, fetchRequester } from '../support/node-context.ts';
import { startNodeProcess, type NodeProcess } from '../support/node-process.ts';
import { startOwnRedis, type OwnRedis } from '../support/redis-server.ts';
import { fileResources } from '../support/resources.ts';
import { startStallingProxy, type StallingProxy } from '../support/stalling-proxy.ts';

const DB_DEADLINE_MS = 1000;
const REDIS_DEADLINE_MS = 500;
/** The longest one send attempt may take while a dependency is out: a deadline or two, plus scheduling on 2 busy cores. */
const ATTEMPT_BOUND_MS = 4000;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Acked {
  clientId: string;
  id: string;
  seq: number;
}

/** One sender: a message every `intervalMs`, each retried (same client id) until acknowledged. */
function sendSteadily(send: (clientId: string) => Promise<{ id: string; seq: number }>, prefix: string, intervalMs: number) {
  const acked: Acked[] = [];
  const refusals: string[] = [];
  let longestAttemptMs = 0;
  let running = true;
  const loop = (async () => {
    for (let index = 0; running; index++) {
      const clientId = `${prefix}-${index}-${randomUUID().slice(0, 8)}`;
      for (;;) {
        const startedAt = performance.now();
        try {
          const message = await send(clientId);
          acked.push({ clientId, id: message.id, seq: message.seq });
          break;
        } catch (error) {
          refusals.push(error instanceof UnavailableError ? 'unavailable' : `${(error as Error).name}: ${(error as Error).message}`);
          await sleep(error instanceof UnavailableError && error.retryAfter ? Math.min(error.retryAfter * 1000, 500) : 200);
        } finally {
          longestAttemptMs = Math.max(longestAttemptMs, performance.now() - startedAt);
        }
      }
      await sleep(intervalMs);
    }
  })();
  return {
    acked,
    refusals,
    longestAttemptMs: () => longestAttemptMs,
    async stop() {
      running = false;
      await loop;
    },
  };
}

describe('outages under steady load (2 nodes, own Redis, Postgres through a proxy)', () => {
  const resources = fileResources('outage');
  let redis: OwnRedis;
  let postgresProxy: StallingProxy;
  let nodes: NodeProcess[] = [];
  let sql: postgres.Sql;
  const clients: HeyyoClient[] = [];
  const request = fetchRequester(() => nodes[0]!.url);
  const factories = createFactories(request, () => undefined);

  beforeAll(async () => {
    await resources.createDatabase();
    sql = postgres(resources.databaseUrl, { max: 2, onnotice: () => {} });
    redis = await startOwnRedis();
    const database = new URL(resources.databaseUrl);
    postgresProxy = await startStallingProxy({ host: database.hostname, port: Number(database.port || 5432) });
    database.port = String(postgresProxy.port);
    const env = {
      ...resources.env,
      ...FAST_PRESENCE,
      REDIS_URL: redis.url,
      DATABASE_URL: database.toString(),
      HEYYO_DB_DEADLINE_MS: String(DB_DEADLINE_MS),
      HEYYO_REDIS_DEADLINE_MS: String(REDIS_DEADLINE_MS),
      HEYYO_JOB_BACKOFF_MS: '200',
      HEYYO_SHUTDOWN_DRAIN_MS: '1000',
      HEYYO_SHUTDOWN_CLOSE_MS: '3000',
      // startNodeProcess waits for the "Heyyo is ready" line.
      LOG_LEVEL: 'info',
    };
    nodes = await Promise.all([startNodeProcess('node-1', { env }), startNodeProcess('node-2', { env })]);
  });

  afterAll(async () => {
    for (const client of clients) client.disconnect();
    postgresProxy?.restore();
    await Promise.all(nodes.map((node) => node.stop()));
    await redis?.stop();
    await postgresProxy?.close();
    await sql?.end();
    await resources.release();
  });

  /** A channel of three users: one sends over the socket (SDK), one over REST, all three receive (SDK). */
  async function chatRoom() {
    const app = await factories.newApp();
    const users = [await factories.newUser(app), await factories.newUser(app), await factories.newUser(app)] as const;
    const channel = await factories.newChannel(users[0], { members: [users[1].id, users[2].id] });
    const delivered = new Map<string, Message[]>();
    const sdk = (user: TestUser, node: NodeProcess) => {
      // sendRetries 0: the test retries refused sends itself, to see each attempt.
      const client = new HeyyoClient({ apiUrl: node.url, token: user.token, transports: ['websocket'], sendRetries: 0 });
      clients.push(client);
      delivered.set(user.id, []);
      client.on('message.new', (message) => delivered.get(user.id)!.push(message));
      client.on('error', () => {});
      return client;
    };
    const members = [sdk(users[0], nodes[0]!), sdk(users[1], nodes[1]!), sdk(users[2], nodes[1]!)];
    await Promise.all(members.map((client) => client.connect()));
    // Every member holds a position in the channel before the load starts.
    const first = await members[0]!.messages.send(channel.id, 'first');
    await eventually(() => [...delivered.values()].every((messages) => messages.length === 1), 'every member to hold the first message');

    const viaSocket = (clientId: string) => members[0]!.messages.send(channel.id, `socket ${clientId}`, { clientId });
    const viaRest = async (clientId: string) => {
      const response = await request('POST', `/api/channels/${channel.id}/messages`, {
        token: users[1].token,
        body: { text: `rest ${clientId}`, client_id: clientId },
      });
      if (response.status === 201 || response.status === 200) return response.body as Message;
      const error = new Error(`${response.status} ${JSON.stringify(response.body)}`);
      throw response.status === 503 ? new UnavailableError(response.body.error, 503, response.body.code, 1) : error;
    };
    return { users, channel, members, delivered, first, viaSocket, viaRest };
  }

  /** Polls /ready on every node until each answers `status`; the ms it took for the slowest. */
  async function readyFlips(status: number, timeoutMs: number): Promise<number> {
    const startedAt = performance.now();
    let answers: string[] = [];
    await eventually(
      async () => {
        answers = await Promise.all(
          nodes.map((node) => fetch(`${node.url}/ready`).then(async (response) => `${response.status} ${await response.text()}`, String)),
        );
        return answers.every((answer) => answer.startsWith(String(status)));
      },
      `/ready to answer ${status} on every node`,
      timeoutMs,
      50,
    ).catch((error: Error) => {
      const tails = nodes.map((node) => `${node.name}: ${node.output().split('\n').slice(-15).join('\n')}`);
      throw new Error(`${error.message}; last answers: ${answers.join(' | ')}\n${tails.join('\n')}`);
    });
    return performance.now() - startedAt;
  }

  /** The invariants after an outage: stored once, delivered once to everyone in seq order, counters right. */
  async function expectNothingLostOrDoubled(room: Awaited<ReturnType<typeof chatRoom>>, acked: Acked[]) {
    // A last message makes every member see any gap it still has and catch up.
    const last = await room.members[0]!.messages.send(room.channel.id, 'last');
    const expected = [room.first, ...acked, last].map((message) => message.seq).sort((a, b) => a - b);
    const stored = await sql<{ seq: string; client_id: string | null }[]>`
      select seq, client_id from messages where channel_id = ${room.channel.id} order by seq`;
    expect(stored.map((row) => Number(row.seq))).toEqual(expected);
    expect(new Set(stored.map((row) => row.client_id)).size).toBe(stored.length);
    expect(expected).toEqual(Array.from({ length: expected.length }, (_, index) => index + 1));

    await eventually(
      () => [...room.delivered.values()].every((messages) => messages.at(-1)?.seq === last.seq),
      'every member to catch up to the last message',
      20_000,
    );
    for (const messages of room.delivered.values()) expect(messages.map((message) => message.seq)).toEqual(expected);

    await eventually(
      async () => {
        const [channel] = await sql<{ message_count: string; live: string }[]>`
          select c.message_count, (select count(*) from messages m where m.channel_id = c.id and m.deleted_at is null) as live
            from channels c where c.id = ${room.channel.id}`;
        return Number(channel!.message_count) === Number(channel!.live);
      },
      'the channel counter to match a recount',
      20_000,
    );
  }

  it('Redis restarted mid-traffic: sends never hang, /ready flips and back, presence rebuilds, nothing lost or doubled', async () => {
    const room = await chatRoom();
    const senders = [sendSteadily(room.viaSocket, 'socket', 50), sendSteadily(room.viaRest, 'rest', 50)];
    await sleep(1500);

    await redis.stop();
    expect(await readyFlips(503, 5000)).toBeLessThan(1000 + 500);
    await sleep(2500);
    await redis.start();
    await readyFlips(200, 15_000);
    // Every key was lost: the gateways' heartbeats put their users back online.
    await eventually(
      async () => {
        const details = await request('GET', `/api/channels/${room.channel.id}`, { token: room.users[0].token });
        return details.status === 200 && (details.body.members as { is_online: boolean }[]).every((member) => member.is_online);
      },
      'every connected member to be online again',
      10_000,
    );
    await sleep(1500);
    await Promise.all(senders.map((sender) => sender.stop()));

    for (const sender of senders) expect(sender.longestAttemptMs()).toBeLessThan(ATTEMPT_BOUND_MS);
    const acked = senders.flatMap((sender) => sender.acked);
    expect(acked.length).toBeGreaterThan(20);
    await expectNothingLostOrDoubled(room, acked);
  });

  it('Postgres unavailable for 10 s: sends are refused fast and retryably, the worker catches up, nothing lost or doubled', async () => {
    const room = await chatRoom();
    const senders = [sendSteadily(room.viaSocket, 'socket', 50), sendSteadily(room.viaRest, 'rest', 50)];
    await sleep(1500);

    postgresProxy.cut();
    try {
      expect(await readyFlips(503, 5000)).toBeLessThan(1000 + 500);
      await sleep(10_000);
    } finally {
      postgresProxy.restore();
    }
    await readyFlips(200, 15_000);
    await sleep(1500);
    await Promise.all(senders.map((sender) => sender.stop()));

    for (const sender of senders) {
      expect(sender.longestAttemptMs()).toBeLessThan(ATTEMPT_BOUND_MS);
      // Refused while Postgres was out, and only as retryable.
      expect(sender.refusals.length).toBeGreaterThan(0);
      expect(new Set(sender.refusals)).toEqual(new Set(['unavailable']));
    }
    const acked = senders.flatMap((sender) => sender.acked);
    await expectNothingLostOrDoubled(room, acked);
  });
});
