import { setTimeout as delay } from 'node:timers/promises';

interface Closable {
  waitUntilReady(): Promise<unknown>;
  close(): Promise<void>;
}

/**
 * Closes a BullMQ Queue or Worker. Closing one while its connection is still
 * initialising (it sends INFO right after connecting) lets that INFO fail with
 * "Connection is closed" as an unhandled rejection inside BullMQ, so the start-up
 * is given up to `initTimeoutMs` to settle first; an unreachable Redis only delays it that long.
 */
export async function closeSafely(instance: Closable, initTimeoutMs = 2000): Promise<void> {
  const timeout = new AbortController();
  await Promise.race([
    instance.waitUntilReady().catch(() => undefined),
    delay(initTimeoutMs, undefined, { signal: timeout.signal }).catch(() => undefined),
  ]);
  timeout.abort();
  await instance.close();
}
