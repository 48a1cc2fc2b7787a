/** The `code` of a DeadlineError: a dependency (Postgres, Redis) that did not answer in time. */
export const DEPENDENCY_DEADLINE = 'HEYYO_DEPENDENCY_DEADLINE';

/** A call to a dependency ran past its deadline; the caller may retry. */
export class DeadlineError extends Error {
  readonly code = DEPENDENCY_DEADLINE;
  constructor(what: string, ms: number) {
    super(`${what} did not answer within ${ms} ms`);
    this.name = 'DeadlineError';
  }
}

/**
 * `work`, or a DeadlineError once `ms` have passed: a dependency that answers nothing (a
 * partitioned Redis or Postgres errs nothing either) must not hold a request. The work itself is
 * not cancelled here (`onLate` may); its late result is dropped.
 */
export function withDeadline<T>(work: Promise<T>, ms: number, what: string, onLate?: () => void): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => {
      onLate?.();
      reject(new DeadlineError(what, ms));
    }, ms);
  });
  return Promise.race([work, deadline]).finally(() => clearTimeout(timer));
}
