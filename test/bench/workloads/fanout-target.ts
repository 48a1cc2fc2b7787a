/**
 * A membership plan (which clients are in which channels, who sends) made real on Heyyo or on the
 * bare baseline: channels, connected clients, a fan-out driver and the processes whose CPU counts.
 */
import { startBareGateways, type BareGateways } from '../baselines/start-bare.ts';
import { groupPids, type Grouping } from '../lib/cpu.ts';
import { startHeyyo, type HeyyoCluster } from '../lib/environment.ts';
import { createFanoutDriver, roundRobinSenders, type FanoutDriver, type PickSender } from '../lib/fanout-driver.ts';
import { connectClients, type ClientPool } from '../lib/load.ts';
import { mapLimit, sleep } from '../lib/processes.ts';
import { createChannel, createUsers, type BenchUser } from '../lib/rest.ts';

/** Clients split evenly into channels (W1, W2, overload). */
export interface Layout {
  clients: number;
  channels: number;
}

export interface Membership {
  clients: number;
  /** Each channel's members (client indexes); the first one owns it. */
  channels: number[][];
  /** Who sends message n, to which channel (indexes). @defaultValue round-robin over clients, each to its first channel */
  senderOf?: (n: number) => { client: number; channel: number };
}

/** Client i is in channel floor(i / perChannel): consecutive clients, so each room spans every gateway. */
export function evenMembership(layout: Layout): Membership {
  const perChannel = layout.clients / layout.channels;
  return {
    clients: layout.clients,
    channels: Array.from({ length: layout.channels }, (_, channel) => Array.from({ length: perChannel }, (_, k) => channel * perChannel + k)),
  };
}

/** Channel indexes of each client, in channel order. */
function channelsOfClients(membership: Membership): number[][] {
  const of: number[][] = Array.from({ length: membership.clients }, () => []);
  membership.channels.forEach((members, channel) => members.forEach((client) => of[client]!.push(channel)));
  return of;
}

export interface FanoutTarget {
  pool: ClientPool;
  driver: FanoutDriver;
  /** Names the processes whose CPU a step reports (plus Postgres, Redis and the load generator). */
  grouping: Grouping;
  /** Heyyo only: the users behind the clients (client i is users[i]). */
  users?: readonly BenchUser[];
  /** Disconnects the clients, and stops what the target started for itself. */
  close(): Promise<void>;
}

async function connect(gatewayUrls: readonly string[], membership: Membership, channelIds: readonly string[], auth: (index: number, channels: string[]) => Record<string, unknown>) {
  const channelsOf = channelsOfClients(membership);
  const idsOf = (index: number) => channelsOf[index]!.map((channel) => channelIds[channel]!);
  const pool = await connectClients({ gatewayUrls, count: membership.clients, auth: (index) => auth(index, idsOf(index)), channelsOf: idsOf });
  const senderOf = membership.senderOf;
  const pick: PickSender = senderOf
    ? (n) => {
        const { client, channel } = senderOf(n);
        return { client: pool.clients[client]!, channel: channelIds[channel]! };
      }
    : roundRobinSenders(pool);
  return { pool, driver: createFanoutDriver(pool, pick) };
}

/** The membership on a running cluster (channels created over REST); close() disconnects the clients only. */
export async function heyyoFanout(heyyo: HeyyoCluster, users: readonly BenchUser[], membership: Membership): Promise<FanoutTarget> {
  if (users.length < membership.clients) throw new Error(`need ${membership.clients} users, have ${users.length}`);
  const channelIds = await mapLimit(membership.channels, 8, (members) => createChannel(heyyo.apiUrl, members.map((client) => users[client]!)));
  const { pool, driver } = await connect(heyyo.gatewayUrls, membership, channelIds, (index) => ({ token: users[index]!.token }));
  // Presence announcements of the connects settle before measuring.
  await sleep(1000);
  const { api, gateways, workers } = heyyo.cluster;
  const grouping = groupPids(
    {
      'api node': api.map((node) => node.child.pid),
      gateways: gateways.map((node) => node.child.pid),
      worker: workers.map((node) => node.child.pid),
    },
    { postgresDatabase: heyyo.database.name },
  );
  return { pool, driver, grouping, users, close: () => pool.close() };
}

/** The membership on running bare gateways (`auth.channels` → rooms); close() disconnects the clients only. */
async function bareFanout(bare: BareGateways, membership: Membership): Promise<FanoutTarget> {
  const channelIds = membership.channels.map((_, channel) => `bench-${channel}`);
  const { pool, driver } = await connect(bare.urls, membership, channelIds, (_, channels) => ({ channels }));
  await sleep(500);
  // Bare Socket.IO uses no database: Postgres's CPU is none of its doing.
  const grouping = groupPids({ gateways: bare.processes.map((node) => node.child.pid) }, { postgresDatabase: false });
  return { pool, driver, grouping, close: () => pool.close() };
}

/** Undoes `started` if `work` fails, so a target never leaks the processes it began with. */
async function ownedBy(started: { stop(): Promise<void> }, work: () => Promise<FanoutTarget>): Promise<FanoutTarget> {
  let target: FanoutTarget;
  try {
    target = await work();
  } catch (error) {
    await started.stop();
    throw error;
  }
  return {
    ...target,
    async close() {
      try {
        await target.close();
      } finally {
        await started.stop();
      }
    },
  };
}

/**
 * A fresh Heyyo cluster (1 API, 2 gateways, 1 worker; its own database, Redis prefix and users)
 * with the membership on it; close() stops it and drops its data. `label` names the database: [a-z0-9_].
 */
export async function freshHeyyoFanout(label: string, membership: Membership, options: { overloadBound?: boolean } = {}): Promise<FanoutTarget> {
  const heyyo = await startHeyyo({ label, apiNodes: 1, gatewayNodes: 2, workerNodes: 1, ...options });
  return ownedBy(heyyo, async () => heyyoFanout(heyyo, await createUsers(heyyo.apiUrl, membership.clients), membership));
}

/** Fresh bare gateways (2, like ours) with the membership on them; close() stops them. */
export async function freshBareFanout(label: string, membership: Membership): Promise<FanoutTarget> {
  const bare = await startBareGateways(2, label);
  return ownedBy(bare, () => bareFanout(bare, membership));
}

/** Runs `work` on a target opened for it alone, and closes the target whatever happens. */
export async function withTarget<T>(open: () => Promise<FanoutTarget>, work: (target: FanoutTarget) => Promise<T>): Promise<T> {
  const target = await open();
  try {
    return await work(target);
  } finally {
    await target.close();
  }
}
