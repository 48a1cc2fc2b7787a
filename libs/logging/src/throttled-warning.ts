import type { Logger } from 'pino';

/**
 * A warning logged at most once per `everyMs`: for a failure that repeats on every request while a
 * dependency is away (a limiter that fails open), one line says so without flooding the log.
 */
export function warnAtMostEvery(log: Pick<Logger, 'warn'>, everyMs: number): (fields: object, message: string) => void {
  let lastAt = Number.NEGATIVE_INFINITY;
  return (fields, message) => {
    const now = Date.now();
    if (now - lastAt < everyMs) return;
    lastAt = now;
    log.warn(fields, message);
  };
}
