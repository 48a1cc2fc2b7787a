export { createProducer, coalescedJob, type Producer, type ProducerOptions } from './producer.ts';
export { defaultJobOptions, type JobSettings } from './job-options.ts';
export { queueStats, isIdle, type QueueStats } from './metrics.ts';
export { closeSafely } from './close-safely.ts';
