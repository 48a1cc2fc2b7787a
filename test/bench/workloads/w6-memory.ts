/** W6 memory: RSS per idle connection on one gateway (VmRSS before/after), Heyyo vs bare Socket.IO. */
import type { HeyyoCluster } from '../lib/environment.ts';
import { connectClients } from '../lib/load.ts';
import { readRss, sleep } from '../lib/processes.ts';
import type { Row } from '../lib/report.ts';
import type { BenchUser } from '../lib/rest.ts';
import { startBareGateways } from '../baselines/start-bare.ts';

export interface MemoryFigures {
  connections: number;
  rssBefore: number;
  rssAfter: number;
  bytesPerConnection: number;
}

async function measure(pid: number, connect: () => Promise<{ close(): Promise<void> }>, connections: number): Promise<MemoryFigures> {
  await sleep(1000);
  const rssBefore = readRss(pid);
  const pool = await connect();
  try {
    await sleep(3000);
    const rssAfter = readRss(pid);
    return { connections, rssBefore, rssAfter, bytesPerConnection: Math.round((rssAfter - rssBefore) / connections) };
  } finally {
    await pool.close();
  }
}

export async function runW6(heyyo: HeyyoCluster, users: readonly BenchUser[], connections: number, log: (line: string) => void) {
  const gateway = heyyo.cluster.gateways[0]!;
  const ours = await measure(
    gateway.child.pid!,
    () => connectClients({ gatewayUrls: [gateway.url], count: connections, auth: (index) => ({ token: users[index]!.token }), channelsOf: () => [] }),
    connections,
  );
  log(`W6 ours: ${JSON.stringify(ours)}`);
  const bare = await startBareGateways(1, 'w6-bare');
  let baseline: MemoryFigures;
  try {
    const process = bare.processes[0]!;
    baseline = await measure(
      process.child.pid!,
      () => connectClients({ gatewayUrls: [process.url], count: connections, auth: () => ({ channels: [] }), channelsOf: () => [] }),
      connections,
    );
  } finally {
    await bare.stop();
  }
  log(`W6 bare: ${JSON.stringify(baseline)}`);
  const rows: Row[] = [
    {
      workload: `W6 memory (${connections} idle clients, one gateway)`,
      metric: 'RSS per idle connection',
      unit: 'KiB',
      ours: ours.bytesPerConnection / 1024,
      baseline: baseline.bytesPerConnection / 1024,
      baselineName: 'bare Socket.IO',
      note: `gateway RSS ${mib(ours.rssBefore)} → ${mib(ours.rssAfter)} MiB; bare ${mib(baseline.rssBefore)} → ${mib(baseline.rssAfter)} MiB`,
    },
  ];
  return { ours, baseline, rows };
}

const mib = (bytes: number) => Math.round(bytes / 2 ** 20);
