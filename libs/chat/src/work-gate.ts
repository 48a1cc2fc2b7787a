import { Errors } from './errors.ts';

/**
 * A bound on the work one node has in progress (REST requests, socket events). Past it new work
 * is refused at once (`Errors.overloaded`: 503 with retry-after, an error ack) instead of queueing
 * behind the rest until everything times out: under overload, what is accepted stays fast and
 * what is refused is retried, by the client, against a node (or a moment) with room.
 */
export interface WorkGate {
  /** Runs `work` inside the bound, or throws `Errors.overloaded()` without running it. */
  run<T>(work: () => Promise<T>): Promise<T>;
  /** Takes a place for work that ends later (a REST request): the release, or undefined when full. */
  enter(): (() => void) | undefined;
  /** True while the node works at its bound: `/ready` says so, and a load balancer steers away. */
  saturated(): boolean;
  /** Work in progress now (for metrics). */
  inFlight(): number;
  /** Work refused since the start (for metrics). */
  refused(): number;
}

export function createWorkGate(limit: number): WorkGate {
  let inFlight = 0;
  let refused = 0;
  const enter = () => {
    if (inFlight >= limit) {
      refused += 1;
      return undefined;
    }
    inFlight += 1;
    let released = false;
    return () => {
      // Idempotent: a request may end by its response and by its abort.
      if (released) return;
      released = true;
      inFlight -= 1;
    };
  };
  return {
    enter,
    async run(work) {
      const release = enter();
      if (!release) throw Errors.overloaded();
      try {
        return await work();
      } finally {
        release();
      }
    },
    saturated: () => inFlight >= limit,
    inFlight: () => inFlight,
    refused: () => refused,
  };
}
