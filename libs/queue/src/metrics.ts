import type { Queue } from 'bullmq';

export interface QueueStats {
  queue: string;
  waiting: number;
  delayed: number;
  active: number;
  failed: number;
  /** Age of the oldest job ready to run, in seconds: how far behind the worker is. */
  lagSeconds: number;
}

/** Depth and lag of each queue, for /metrics and for tests that wait for the worker. */
export async function queueStats(queues: readonly Queue[]): Promise<QueueStats[]> {
  return Promise.all(
    queues.map(async (queue) => {
      const counts = await queue.getJobCounts('waiting', 'delayed', 'active', 'failed', 'prioritized');
      const [oldest] = await queue.getJobs(['waiting'], 0, 0, true);
      return {
        queue: queue.name,
        waiting: (counts.waiting ?? 0) + (counts.prioritized ?? 0),
        delayed: counts.delayed ?? 0,
        active: counts.active ?? 0,
        failed: counts.failed ?? 0,
        lagSeconds: oldest ? Math.max(0, (Date.now() - oldest.timestamp) / 1000) : 0,
      };
    }),
  );
}

/** True when nothing is waiting, delayed or running. */
export function isIdle(stats: readonly QueueStats[]): boolean {
  return stats.every((queue) => queue.waiting + queue.delayed + queue.active === 0);
}
