/**
 * The open-loop schedule: message n is due at a fixed time computed from the phases' rates, and
 * is sent then whatever happened to the earlier ones (a closed loop would slow down with the
 * server and hide its latency).
 */
import { nowMs } from './stats.ts';

export interface Phase {
  /** Messages per second, all senders together. */
  rate: number;
  durationMs: number;
}

export interface LoopTiming {
  /** When the schedule began (nowMs). */
  start: number;
  /** When the last message was sent. */
  lastSendAt: number;
  total: number;
  /** Worst lateness of the timer against the schedule (a saturated load generator shows here). */
  maxLagMs: number;
}

export interface Schedule {
  total: number;
  /** How many messages are due `elapsedMs` after the start. */
  dueBy(elapsedMs: number): number;
  /** When message n is due, in ms after the start. */
  scheduledAt(n: number): number;
}

/** Each phase sends round(rate × duration) messages, evenly spaced, one phase after the other. */
export function schedule(phases: readonly Phase[]): Schedule {
  let startMs = 0;
  let first = 0;
  const spans = phases.map((phase) => {
    const span = { ...phase, startMs, first, count: Math.round((phase.rate * phase.durationMs) / 1000) };
    startMs += phase.durationMs;
    first += span.count;
    return span;
  });
  return {
    total: first,
    dueBy(elapsedMs) {
      const span = spans.findLast((candidate) => candidate.startMs <= elapsedMs);
      return span ? span.first + Math.min(span.count, Math.floor(((elapsedMs - span.startMs) * span.rate) / 1000)) : 0;
    },
    scheduledAt(n) {
      const span = spans.findLast((candidate) => candidate.first <= n && candidate.count > 0)!;
      return span.startMs + ((n - span.first) * 1000) / span.rate;
    },
  };
}

/** Offsets (ms from the start) at which each phase begins: the last entry is the end. */
export function phaseBoundaries(phases: readonly Phase[]): number[] {
  const bounds = [0];
  for (const phase of phases) bounds.push(bounds.at(-1)! + phase.durationMs);
  return bounds;
}

/** Calls `send(n)` for n = 0, 1, … on schedule (checked every 2 ms); resolves after the last. */
export async function runOpenLoop(phases: readonly Phase[], send: (n: number) => void): Promise<LoopTiming> {
  const plan = schedule(phases);
  const start = nowMs();
  let maxLagMs = 0;
  let lastSendAt = start;
  if (plan.total === 0) return { start, lastSendAt, total: 0, maxLagMs };
  await new Promise<void>((resolve) => {
    let next = 0;
    const timer = setInterval(() => {
      const now = nowMs();
      const due = Math.min(plan.total, plan.dueBy(now - start));
      if (next < due) maxLagMs = Math.max(maxLagMs, now - start - plan.scheduledAt(next));
      while (next < due) send(next++);
      if (next >= plan.total) {
        lastSendAt = now;
        clearInterval(timer);
        resolve();
      }
    }, 2);
  });
  return { start, lastSendAt, total: plan.total, maxLagMs };
}
