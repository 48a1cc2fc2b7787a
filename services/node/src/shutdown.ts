import type { Logger } from '@heyyo/logging';

/** One step of a node's shutdown. */
export interface ShutdownStep {
  name: string;
  run(): unknown;
}

/** What a shutdown did: steps that threw, and steps abandoned when their time ran out. */
export interface ShutdownReport {
  failed: string[];
  abandoned: string[];
}

/** The most of a budget kept back for each step still to come. */
const MAX_RESERVE_MS = 500;

/**
 * Runs `steps` in order, all of them within `budgetMs`: a step may use what is left of the
 * budget less a reserve kept for each step after it (half the budget shared out among the
 * steps, at most 500 ms each), so a stalled dependency early on (Redis) cannot starve a later step (closing
 * Postgres). A step still running when its time is up is abandoned (left to the process exit)
 * and the next one starts. A step that throws is logged and the rest still run: one failure
 * must not leave Postgres or Redis open.
 */
export async function runShutdownSteps(
  steps: readonly ShutdownStep[],
  budgetMs: number,
  log: Logger,
  report: ShutdownReport = { failed: [], abandoned: [] },
): Promise<ShutdownReport> {
  const deadline = performance.now() + budgetMs;
  const reserveMs = Math.min(MAX_RESERVE_MS, budgetMs / (2 * Math.max(1, steps.length)));
  for (const [index, step] of steps.entries()) {
    const startedAt = performance.now();
    const remainingMs = Math.max(0, deadline - startedAt - reserveMs * (steps.length - 1 - index));
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<'abandoned'>((resolve) => {
      timer = setTimeout(() => resolve('abandoned'), remainingMs);
    });
    const work = Promise.resolve()
      .then(() => step.run())
      .then(
        () => 'done' as const,
        (error: unknown) => {
          log.error({ err: error, step: step.name }, 'shutdown step failed');
          return 'failed' as const;
        },
      );
    const outcome = await Promise.race([work, timedOut]);
    clearTimeout(timer);
    if (outcome === 'failed') report.failed.push(step.name);
    if (outcome === 'abandoned') {
      report.abandoned.push(step.name);
      log.warn({ step: step.name, waitedMs: Math.round(performance.now() - startedAt), budgetMs }, 'shutdown step ran out of time: abandoned');
    }
  }
  return report;
}
