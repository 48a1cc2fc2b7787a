export type { JobQueue } from './job-queue.ts';
export { createProducer, coalescedJob, counterKey, type Producer, type ProducerOptions, type WorkQueue } from './producer.ts';
export { createMemoryQueue, type MemoryQueue, type MemoryQueueOptions, type Processors } from './memory-queue.ts';
export { defaultJobOptions, workerRunOptions, type JobSettings, type WorkerSettings } from './job-options.ts';
export { queueStats, isIdle, type QueueStats } from './metrics.ts';
export { closeSafely } from './close-safely.ts';
