/** One request waiting in a coalescer, settled by the batch that carries it. */
export interface Pending<In, Out> {
  input: In;
  resolve(result: Out): void;
  reject(error: unknown): void;
}

export interface CoalescerOptions {
  /** Requests per batch at most. */
  maxBatch: number;
  /** Batches in flight at once; requests arriving meanwhile wait and go together in the next. */
  maxInFlight: number;
}

/**
 * Group commit: a request goes out at once while fewer than `maxInFlight` batches are running,
 * so an idle server adds no wait; under load, the requests that arrive while batches run share
 * the next one, and one round trip and one commit serve many. `run` settles each request of
 * its batch; if it throws, every request it left unsettled is rejected with that error.
 */
export function createCoalescer<In, Out>(run: (batch: Pending<In, Out>[]) => Promise<void>, options: CoalescerOptions) {
  const waiting: Pending<In, Out>[] = [];
  let inFlight = 0;

  function pump(): void {
    while (inFlight < options.maxInFlight && waiting.length > 0) {
      const batch = waiting.splice(0, options.maxBatch);
      inFlight++;
      void run(batch)
        // Settling twice is a no-op: only the requests `run` left unsettled get the error.
        .catch((error: unknown) => batch.forEach((pending) => pending.reject(error)))
        .finally(() => {
          inFlight--;
          pump();
        });
    }
  }

  return {
    submit(input: In): Promise<Out> {
      return new Promise<Out>((resolve, reject) => {
        waiting.push({ input, resolve, reject });
        pump();
      });
    },
  };
}
