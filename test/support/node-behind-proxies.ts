/**
 * A node holding every role whose Postgres and/or Redis sit behind TCP proxies the test breaks
 * (stall: a partition; cut: down), on this file's own database and key prefix. Started before
 * the file's tests, stopped after them — with every proxy healed first, so the stop is clean.
 */
import { afterAll, beforeAll } from 'vitest';
import { loadConfig } from '@heyyo/config';
import { createLogger } from '@heyyo/logging';
import { startNode, type RunningNode } from '@heyyo/service-node';
import { createFactories, type Factories, type Requester } from './factories.ts';
import { fetchRequester } from './node-context.ts';
import { fileResources } from './resources.ts';
import { closeAllClients } from './sockets.ts';
import { startStallingProxy, type StallingProxy } from './stalling-proxy.ts';

export type Dependency = 'postgres' | 'redis';

export interface NodeBehindProxiesOptions {
  /** Names this file's database and key prefix. */
  label: string;
  /** The dependencies reached through a proxy; the others directly. */
  proxied: readonly Dependency[];
  /** Extra environment for the node (deadlines, bounds). */
  env?: Record<string, string>;
}

export interface NodeBehindProxies extends Factories {
  readonly node: RunningNode;
  /** The proxy in front of a dependency (it must be in `proxied`). */
  proxy(dependency: Dependency): StallingProxy;
  request: Requester;
}

export function useNodeBehindProxies(options: NodeBehindProxiesOptions): NodeBehindProxies {
  const resources = fileResources(options.label);
  const proxies = new Map<Dependency, StallingProxy>();
  let node: RunningNode | undefined;

  /** `url` with its host and port replaced by a new proxy's, when `dependency` is proxied. */
  async function through(dependency: Dependency, address: string | undefined): Promise<Record<string, string>> {
    const variable = dependency === 'postgres' ? 'DATABASE_URL' : 'REDIS_URL';
    if (address === undefined) return {};
    if (!options.proxied.includes(dependency)) return { [variable]: address };
    const url = new URL(address);
    const proxy = await startStallingProxy({ host: url.hostname, port: Number(url.port || (dependency === 'postgres' ? 5432 : 6379)) });
    proxies.set(dependency, proxy);
    url.hostname = '127.0.0.1';
    url.port = String(proxy.port);
    return { [variable]: url.toString() };
  }

  beforeAll(async () => {
    await resources.createDatabase();
    const config = loadConfig({
      ...resources.env,
      ...(await through('postgres', resources.databaseUrl)),
      ...(await through('redis', resources.env.REDIS_URL)),
      PORT: '0',
      HOST: '127.0.0.1',
      HEYYO_SHUTDOWN_DRAIN_MS: '500',
      HEYYO_SHUTDOWN_CLOSE_MS: '2000',
      ...options.env,
    });
    node = await startNode(config, createLogger({ level: config.log.level, name: 'test' }));
  });

  afterAll(async () => {
    closeAllClients();
    for (const proxy of proxies.values()) {
      proxy.resume();
      proxy.restore();
    }
    await node?.stop();
    await Promise.all([...proxies.values()].map((proxy) => proxy.close()));
    await resources.release();
  });

  const request = fetchRequester(() => node!.url);
  return {
    get node() {
      if (!node) throw new Error('the node is not started yet (use it inside a test)');
      return node;
    },
    proxy(dependency) {
      const proxy = proxies.get(dependency);
      if (!proxy) throw new Error(`${dependency} is not behind a proxy in this file`);
      return proxy;
    },
    request,
    ...createFactories(request, () => undefined),
  };
}
