/**
 * `npm run cluster`: a local cluster by hand — 2 API nodes and 2 gateway nodes on
 * fixed ports and a worker, against the Postgres and Redis of your environment.
 * Ctrl-C stops it.
 */
import { startCluster } from '../support/node-process.ts';

const API_PORT = Number(process.env.HEYYO_CLUSTER_API_PORT ?? 4001);
const GATEWAY_PORT = Number(process.env.HEYYO_CLUSTER_GATEWAY_PORT ?? 4011);
const env = Object.fromEntries(
  Object.entries(process.env).filter((entry): entry is [string, string] => entry[1] !== undefined),
);

const cluster = await startCluster({
  apiNodes: 2,
  gatewayNodes: 2,
  workerNodes: 1,
  env,
  apiPort: API_PORT,
  gatewayPort: GATEWAY_PORT,
  onLine: (name, line) => process.stdout.write(`${name.padEnd(9)} | ${line}\n`),
});

process.stdout.write(
  [
    '',
    'Heyyo local cluster is up:',
    ...cluster.api.map((node) => `  ${node.name.padEnd(9)} REST       ${node.url}/api`),
    ...cluster.gateways.map((node) => `  ${node.name.padEnd(9)} Socket.IO  ${node.url}`),
    ...cluster.workers.map((node) => `  ${node.name.padEnd(9)} jobs       ${node.url}/metrics`),
    'Ctrl-C stops every node.',
    '',
  ].join('\n'),
);

let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    process.stdout.write('\nstopping the cluster…\n');
    cluster.stop().then(() => process.exit(0));
  });
}
