/** Waits between the tries of a recount enqueue: three tries within about a quarter second. */
export const RECOUNT_ENQUEUE_RETRY_DELAYS_MS = [50, 200] as const;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Runs `add` until it succeeds, waiting `delaysMs[i]` after the i-th failure; after the
 * last, reports the error to `giveUp` instead of throwing. For work that follows a change
 * already committed: the caller's answer must not turn into an error it would retry into a
 * duplicate, and what could not be queued is counted (a metric) and repaired later.
 * @returns whether `add` succeeded
 */
export async function retryEnqueue(
  add: () => Promise<unknown>,
  giveUp: (error: unknown, tries: number) => void,
  delaysMs: readonly number[] = RECOUNT_ENQUEUE_RETRY_DELAYS_MS,
): Promise<boolean> {
  for (let tries = 1; ; tries++) {
    try {
      await add();
      return true;
    } catch (error) {
      const delay = delaysMs[tries - 1];
      if (delay === undefined) {
        giveUp(error, tries);
        return false;
      }
      await sleep(delay);
    }
  }
}
