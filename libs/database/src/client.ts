import { drizzle, type PostgresJsDatabase } from 'drizzle-orm/postgres-js';
import postgres, { type Sql } from 'postgres';
import { DeadlineError, withDeadline } from '@heyyo/config';
import * as schema from './schema.ts';

/** drizzle over the pool; `$client` is the pool with our deadlines (for fixed statements). */
export type Database = PostgresJsDatabase<typeof schema> & { $client: Sql };

export interface DatabaseOptions {
  url: string;
  /** Connections in the pool. @defaultValue 10 */
  poolMax?: number;
  /**
   * The longest one statement (waiting for a connection included), one transaction or one
   * connection attempt may take; past it the caller gets a DeadlineError (retryable) and the
   * statement is cancelled. Undefined: no deadline (maintenance tools that run long recounts).
   */
  deadlineMs?: number;
}

/** Each statement drizzle ran: how long it took (waiting for a connection included) and whether it succeeded. */
export type StatementObserver = (seconds: number, ok: boolean) => void;

export interface DatabaseHandle {
  db: Database;
  sql: Sql;
  /** The pool's size (connections at most). */
  poolMax: number;
  /** Statements waiting for a connection or running: the pool's load. */
  statementsInFlight(): number;
  /** Reports every later statement to `observer` (metrics). */
  observeStatements(observer: StatementObserver): void;
  /** Waits for running queries, then closes every connection. */
  close(): Promise<void>;
}

export function createDb(options: DatabaseOptions): DatabaseHandle {
  const { deadlineMs } = options;
  const poolMax = options.poolMax ?? 10;
  const sql = postgres(options.url, {
    max: poolMax,
    idle_timeout: 30,
    connect_timeout: deadlineMs ? deadlineMs / 1000 : 10,
    // The server stops a statement past the deadline too: the client's deadline alone would leave it running.
    ...(deadlineMs ? { connection: { statement_timeout: deadlineMs } } : {}),
    backoff: reconnectDelaySeconds,
    // NOTICEs (e.g. "relation already exists, skipping") are not our log lines.
    onnotice: () => {},
  });
  const load: StatementLoad = { inFlight: 0, observer: undefined };
  const db = drizzle(statementsFor(sql, { deadlineMs, expired: () => false, load }), { schema });
  return {
    db,
    sql,
    poolMax,
    statementsInFlight: () => load.inFlight,
    observeStatements: (observer) => void (load.observer = observer),
    close: () => sql.end({ timeout: 5 }),
  };
}

interface StatementLoad {
  inFlight: number;
  observer: StatementObserver | undefined;
}

/**
 * How long a pool connection that failed waits before it tries again: doubling from 50 ms, at most
 * a second (with jitter). postgres.js's own grows to 20 s, so a node whose Postgres came back after
 * a 10 s outage could go on refusing requests for another 20.
 */
export function reconnectDelaySeconds(failures: number): number {
  return Math.min(0.05 * 2 ** failures, 1) * (0.5 + Math.random() / 2);
}

type Callback = (...args: unknown[]) => unknown;
type Query = ReturnType<Sql['unsafe']>;

interface StatementRules {
  deadlineMs: number | undefined;
  /** True once the transaction these statements belong to ran out of time: they may not run. */
  expired: () => boolean;
  load: StatementLoad;
}

/**
 * The client drizzle runs on: every statement prepared and under a deadline, every transaction
 * under a deadline.
 *
 * Prepared: drizzle runs each statement it was not given a name for unprepared, and postgres.js
 * sends an unprepared statement with parameters as Parse+Describe, waits for the answer, then
 * Bind+Execute: two round trips, and a fresh plan, every time. Our statements are a small fixed
 * set, so every one is prepared instead: once per connection, then one round trip. (postgres.js
 * re-prepares after a migration invalidates a cached plan.)
 *
 * Deadlines: a Postgres that is down fails fast on its own (refused, reset), but one behind a
 * partition answers nothing, and a request would wait for it. A transaction past its deadline
 * is rejected at once and its remaining statements refuse to run, so it rolls back rather than
 * committing after its caller was told it failed.
 */
function statementsFor(sql: Sql, rules: StatementRules): Sql {
  const { deadlineMs, load } = rules;
  const inTransaction = (property: string | symbol, value: unknown) => {
    if (property !== 'begin' && property !== 'savepoint') return value;
    if (typeof value !== 'function') return value;
    return (...args: unknown[]) => {
      let expired = false;
      const isExpired = () => expired || rules.expired();
      const guarded = args.map((arg) =>
        typeof arg === 'function'
          ? (tx: Sql) => {
              if (isExpired()) throw new DeadlineError('Postgres transaction', deadlineMs ?? 0);
              return (arg as Callback)(statementsFor(tx, { deadlineMs, expired: isExpired, load }));
            }
          : arg,
      );
      const work = (value as Callback).apply(sql, guarded) as Promise<unknown>;
      // Savepoints run inside a transaction, which has its own deadline.
      if (!deadlineMs || property === 'savepoint') return work;
      return withDeadline(work, deadlineMs, 'Postgres transaction', () => {
        expired = true;
      });
    };
  };
  return new Proxy(sql, {
    get(target, property, receiver) {
      if (property === 'unsafe') {
        return (text: string, parameters?: unknown[], options?: object) => {
          if (rules.expired()) throw new DeadlineError('Postgres transaction', deadlineMs ?? 0);
          const query = target.unsafe(text, parameters as never, { ...options, prepare: true });
          return counted(deadlineMs ? underDeadline(query, deadlineMs) : query, load);
        };
      }
      return inTransaction(property, Reflect.get(target, property, receiver));
    },
  });
}

/**
 * The query, whose result is awaited under `ms`: the timer starts when it is awaited (postgres.js
 * runs a query then), so a wait for a free connection counts. Past it the query is cancelled: one
 * still waiting for a connection is dropped; one already sent gets a cancel request, which may
 * come too late (hence the guard on transactions, and `client_id` on sends).
 */
function underDeadline(query: Query, ms: number): Query {
  const cancel = () => {
    // The cancel request travels on a new connection, which may fail too: nothing left to do then.
    void Promise.resolve(query.cancel()).catch(() => {});
  };
  return whenRun(query, (result) => withDeadline(result, ms, 'Postgres', cancel));
}

/** The query, counted in `load` from the moment it is awaited (run) until it settles, and timed. */
function counted(query: Query, load: StatementLoad): Query {
  return whenRun(query, (result) => {
    const started = performance.now();
    load.inFlight++;
    const settle = (ok: boolean) => {
      load.inFlight--;
      load.observer?.((performance.now() - started) / 1000, ok);
    };
    return result.then(
      (value) => (settle(true), value),
      (error: unknown) => {
        settle(false);
        throw error;
      },
    );
  });
}

/**
 * The query, with `wrap` applied to its result the first time it is awaited — postgres.js runs a
 * query then, once, however many times it is awaited.
 */
function whenRun(query: Query, wrap: (result: Promise<unknown>) => Promise<unknown>): Query {
  const run = query.then;
  let result: Promise<unknown> | undefined;
  query.then = ((onFulfilled?: Callback, onRejected?: Callback) => {
    result ??= wrap(Reflect.apply(run, query, []) as Promise<unknown>);
    return result.then(onFulfilled, onRejected);
  }) as Query['then'];
  return query;
}

/** True when the database answers a trivial query. */
export async function pingDatabase(sql: Sql): Promise<void> {
  await sql`select 1`;
}
