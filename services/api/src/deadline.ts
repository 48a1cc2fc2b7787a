/**
 * `work`, or a rejection once `ms` have passed: a dependency that answers nothing (a
 * partitioned Redis errs nothing either) must not hold a request. The work itself is not
 * cancelled; its late result is dropped.
 */
export function withDeadline<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not answer within ${ms} ms`)), ms);
  });
  return Promise.race([work, deadline]).finally(() => clearTimeout(timer));
}
