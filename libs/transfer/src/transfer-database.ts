import { createDb, type DatabaseHandle } from '@heyyo/database';

/**
 * A statement of an import or export may take longer than a request's (a 10,000-row COPY on a
 * busy machine, a recount of a large channel), but not forever: a Postgres that stopped answering
 * fails the run instead of hanging it. Overridable with --deadline-ms.
 */
export const TRANSFER_DEADLINE_MS = 120_000;

/** The pool of one run: a connection per import writer (two) and one beside them, each statement under the deadline. */
export function openTransferDatabase(url: string, deadlineMs: number = TRANSFER_DEADLINE_MS): DatabaseHandle {
  return createDb({ url, poolMax: 3, deadlineMs });
}
