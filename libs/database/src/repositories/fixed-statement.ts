import type { Database } from '../client.ts';

/**
 * A statement whose text is written once (parameters $1…$n), run on the pool as a prepared
 * statement under the client's deadline. For the hot paths (a send, a read mark, a history
 * page): drizzle builds a statement's text anew on every call — walking every fragment — which
 * cost a gateway more CPU than the round trip itself (profiled under the bench's W7).
 */
export function fixedStatement<Row>(db: Database, text: string): (...parameters: unknown[]) => Promise<Row[]> {
  return (...parameters) => db.$client.unsafe(text, parameters as never[]) as unknown as Promise<Row[]>;
}

/** One fixed statement per key of `texts` (variants of one query). */
export function fixedStatements<Row, K extends string = string>(db: Database, texts: Record<K, string>) {
  return Object.fromEntries(Object.entries<string>(texts).map(([key, text]) => [key, fixedStatement<Row>(db, text)])) as Record<
    K,
    (...parameters: unknown[]) => Promise<Row[]>
  >;
}
