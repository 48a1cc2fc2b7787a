/**
 * One real Heyyo node (api + gateway) per test file, in this process, listening
 * on a free port: REST over fetch and Socket.IO clients against it.
 */
import { Redis } from 'ioredis';
import { afterAll, beforeAll } from 'vitest';
import { loadConfig, type Config } from '@heyyo/config';
import { createLogger } from '@heyyo/logging';
import { startNode, type RunningNode } from '@heyyo/service-node';
import { createFactories, type Factories, type Requester } from './factories.ts';
import { fileResources } from './resources.ts';
import { waitForIdleQueues } from './settle.ts';
import { closeAllClients, connectClient, type ClientSocket, type ConnectOptions } from './sockets.ts';

export interface NodeContext extends Factories {
  readonly url: string;
  readonly config: Readonly<Config>;
  readonly node: RunningNode;
  /** A second Redis connection of the test's own, for inspecting keys. */
  readonly redis: Redis;
  request: Requester;
  /** Waits until the worker has run every queued job. */
  settled(): Promise<void>;
  /** A Socket.IO client of `token`'s user, connected. */
  connect(token: string | undefined, options?: ConnectOptions): Promise<ClientSocket>;
}

/** Fast presence timings so expiry can be observed in a test. */
export const FAST_PRESENCE = {
  HEYYO_PRESENCE_TTL_MS: '2000',
  HEYYO_PRESENCE_HEARTBEAT_MS: '500',
  HEYYO_PRESENCE_SWEEP_MS: '250',
};

export function fetchRequester(baseUrl: () => string): Requester {
  return async (method, path, { token, body, headers = {} } = {}) => {
    const allHeaders: Record<string, string> = { ...headers };
    if (token !== undefined) allHeaders.authorization = `Bearer ${token}`;
    if (body !== undefined) allHeaders['content-type'] ??= 'application/json';
    const response = await fetch(`${baseUrl()}${path}`, {
      method,
      headers: allHeaders,
      ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
    });
    const text = await response.text();
    return { status: response.status, body: text ? JSON.parse(text) : undefined, headers: Object.fromEntries(response.headers) };
  };
}

export function useNodeContext(options: { env?: Record<string, string> } = {}): NodeContext {
  const resources = fileResources('node');
  let state: { node: RunningNode; config: Readonly<Config>; redis: Redis | undefined } | undefined;

  beforeAll(async () => {
    await resources.createDatabase();
    const config = loadConfig({ ...resources.env, PORT: '0', HOST: '127.0.0.1', ...FAST_PRESENCE, ...options.env });
    const node = await startNode(config, createLogger({ level: config.log.level, name: 'test' }));
    state = { node, config, redis: config.redis.forceMemoryEngine ? undefined : new Redis(config.redis.url) };
  });

  afterAll(async () => {
    closeAllClients();
    try {
      await state?.node.stop();
      await resources.release(state?.redis);
    } finally {
      await state?.redis?.quit();
    }
  });

  const current = () => {
    if (!state) throw new Error('the node context is used before beforeAll ran');
    return state;
  };
  const request = fetchRequester(() => current().node.url);

  return {
    get url() {
      return current().node.url;
    },
    get config() {
      return current().config;
    },
    get node() {
      return current().node;
    },
    get redis() {
      const { redis } = current();
      if (!redis) throw new Error('this test needs Redis: it does not run on the memory engine');
      return redis;
    },
    request,
    settled: () => waitForIdleQueues(() => current().node.wiring.jobs.stats()),
    connect: (token, connectOptions) => connectClient(current().node.url, token, connectOptions),
    ...createFactories(request, () => current().config.auth.adminToken),
  };
}
