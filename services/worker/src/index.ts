export { startWorker, checkEvictionPolicy, type RunningWorker, type WorkerOptions } from './worker.ts';
export { createReactionsProcessor } from './processors/reactions.processor.ts';
export { createCountersProcessor } from './processors/counters.processor.ts';
export { createWebhooksProcessor } from './processors/webhooks.processor.ts';
