export { startNode, type RunningNode } from './start-node.ts';
export { buildHttpApp, wireServices, type Wiring } from './wiring.ts';
export {
  startNodeProcess,
  runNodeProcessToExit,
  startCluster,
  type NodeProcess,
  type Cluster,
  type ClusterPlan,
} from './node-process.ts';
