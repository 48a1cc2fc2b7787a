import type { Queue } from 'bullmq';
import { isIdle, queueStats } from '@heyyo/queue';

/** Resolves once no job is waiting, delayed or running: every counter is up to date. */
export async function waitForIdleQueues(queues: readonly Queue[], timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!isIdle(await queueStats(queues))) {
    if (Date.now() > deadline) throw new Error(`queues still busy after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
