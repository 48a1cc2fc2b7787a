/**
 * A real cluster per test file: API-only and gateway-only nodes as child
 * processes on one fresh database and one Redis prefix, stopped afterwards.
 */
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { COUNTERS_QUEUE, REACTIONS_QUEUE } from '@heyyo/contracts';
import { queueStats } from '@heyyo/queue';
import { redisKeys } from '@heyyo/realtime';
import { afterAll, beforeAll } from 'vitest';
import { startCluster, type Cluster } from './node-process.ts';
import { createFactories, type Factories, type Requester } from './factories.ts';
import { FAST_PRESENCE, fetchRequester } from './node-context.ts';
import { fileResources } from './resources.ts';
import { waitForIdleQueues } from './settle.ts';
import { closeAllClients, connectClient, type ClientSocket, type ConnectOptions } from './sockets.ts';

export interface ClusterContext extends Factories {
  readonly cluster: Cluster;
  /** REST through the first API node. */
  request: Requester;
  /** REST through API node `index`. */
  requestVia(index: number): Requester;
  /** A Socket.IO client on gateway `index`. */
  connect(gatewayIndex: number, token: string, options?: ConnectOptions): Promise<ClientSocket>;
  readonly redis: Redis;
  readonly keyPrefix: string;
  /** The database, for comparing counters with rows. */
  readonly databaseUrl: string;
  /** Waits until the workers have run every queued job. */
  settled(timeoutMs?: number): Promise<void>;
  /** The cluster's BullMQ queues, for inspecting depth. */
  readonly queues: Queue[];
}

export function useCluster(
  plan: { apiNodes?: number; gatewayNodes?: number; workerNodes?: number; env?: Record<string, string> } = {},
): ClusterContext {
  const resources = fileResources('cluster');
  let state: { cluster: Cluster; redis: Redis; queues: Queue[] } | undefined;

  beforeAll(async () => {
    await resources.createDatabase();
    const cluster = await startCluster({
      apiNodes: plan.apiNodes ?? 2,
      gatewayNodes: plan.gatewayNodes ?? 2,
      workerNodes: plan.workerNodes ?? 1,
      // info: the harness reads each node's "ready" line (logs are captured, not shown).
      // A killed worker's jobs are retried once its 2 s lock lapses.
      env: {
        ...resources.env,
        ...FAST_PRESENCE,
        HEYYO_SHUTDOWN_DRAIN_MS: '2000',
        HEYYO_WORKER_LOCK_MS: '2000',
        LOG_LEVEL: 'info',
        ...plan.env,
      },
    });
    const redis = new Redis(resources.env.REDIS_URL!);
    const prefix = redisKeys(resources.keyPrefix).bullPrefix;
    const queues = [REACTIONS_QUEUE, COUNTERS_QUEUE].map((name) => new Queue(name, { connection: redis, prefix }));
    state = { cluster, redis, queues };
  }, 90_000);

  afterAll(async () => {
    closeAllClients();
    try {
      await state?.cluster.stop();
      await Promise.all(state?.queues.map((queue) => queue.close()) ?? []);
      await resources.release(state?.redis);
    } finally {
      await state?.redis.quit();
    }
  }, 60_000);

  const current = () => {
    if (!state) throw new Error('the cluster is used before beforeAll ran');
    return state;
  };
  const requestVia = (index: number) => fetchRequester(() => current().cluster.api[index]!.url);
  const request = requestVia(0);

  return {
    get cluster() {
      return current().cluster;
    },
    get redis() {
      return current().redis;
    },
    keyPrefix: resources.keyPrefix,
    databaseUrl: resources.databaseUrl,
    settled: (timeoutMs) => waitForIdleQueues(() => queueStats(current().queues), timeoutMs),
    get queues() {
      return current().queues;
    },
    request,
    requestVia,
    connect: (index, token, options) => connectClient(current().cluster.gateways[index]!.url, token, options),
    ...createFactories(request, () => undefined),
  };
}
