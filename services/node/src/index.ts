export { startNode, type RunningNode } from './start-node.ts';
export type { ShutdownReport } from './shutdown.ts';
export { buildHttpApp, wireServices, type Wiring } from './wiring.ts';
export { connectRedis, createMemoryEngine, createRedisEngine, redisConnected, resolveEngine, EngineError, type Engine } from './engine.ts';
export { freePort, startEmbeddedPostgres, type RunningEmbeddedPostgres } from './embedded-postgres.ts';
