import { isIdle, type QueueStats } from '@heyyo/queue';

/** Resolves once no job is waiting, delayed or running: every counter is up to date. */
export async function waitForIdleQueues(stats: () => Promise<QueueStats[]>, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!isIdle(await stats())) {
    if (Date.now() > deadline) throw new Error(`queues still busy after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
