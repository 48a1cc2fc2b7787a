/** A fan-out layout (clients grouped into channels) on either Heyyo or the bare baseline. */
import type { HeyyoCluster } from '../lib/environment.ts';
import { connectClients, createFanoutDriver, type ClientPool } from '../lib/load.ts';
import { sleep } from '../lib/processes.ts';
import { createChannel, type BenchUser } from '../lib/rest.ts';

export interface Layout {
  clients: number;
  channels: number;
}

/** Client i is in channel floor(i / perChannel): consecutive clients, so each room spans every gateway. */
export const channelOf = (layout: Layout, index: number) => Math.floor(index / (layout.clients / layout.channels));

export interface FanoutTarget {
  pool: ClientPool;
  driver: ReturnType<typeof createFanoutDriver>;
}

export async function heyyoFanout(heyyo: HeyyoCluster, users: readonly BenchUser[], layout: Layout): Promise<FanoutTarget> {
  if (users.length < layout.clients) throw new Error(`need ${layout.clients} users, have ${users.length}`);
  const perChannel = layout.clients / layout.channels;
  const channelIds: string[] = [];
  for (let channel = 0; channel < layout.channels; channel++) {
    channelIds.push(await createChannel(heyyo.apiUrl, users.slice(channel * perChannel, (channel + 1) * perChannel)));
  }
  const pool = await connectClients({
    gatewayUrls: heyyo.gatewayUrls,
    count: layout.clients,
    auth: (index) => ({ token: users[index]!.token }),
    channelsOf: (index) => [channelIds[channelOf(layout, index)]!],
  });
  // Presence announcements of the connects settle before measuring.
  await sleep(1000);
  return { pool, driver: createFanoutDriver(pool) };
}

export async function bareFanout(gatewayUrls: readonly string[], layout: Layout): Promise<FanoutTarget> {
  const channelIds = Array.from({ length: layout.channels }, (_, channel) => `bench-${channel}`);
  const pool = await connectClients({
    gatewayUrls,
    count: layout.clients,
    auth: (index) => ({ channels: [channelIds[channelOf(layout, index)]!] }),
    channelsOf: (index) => [channelIds[channelOf(layout, index)]!],
  });
  await sleep(500);
  return { pool, driver: createFanoutDriver(pool) };
}
