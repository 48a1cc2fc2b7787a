import type { Redis } from 'ioredis';

/**
 * Closes a client without hanging: QUIT (which lets queued commands finish) when
 * connected, bounded by `timeoutMs`; otherwise drop the connection at once. A QUIT
 * sent to an unreachable server would wait in the offline queue forever on a
 * client that retries without limit.
 */
export async function closeRedis(client: Redis, timeoutMs = 2000): Promise<void> {
  if (client.status !== 'ready') {
    client.disconnect();
    return;
  }
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), timeoutMs);
  });
  const outcome = await Promise.race([client.quit().catch(() => 'failed' as const), timedOut]);
  clearTimeout(timer);
  if (outcome !== 'OK') client.disconnect();
}
