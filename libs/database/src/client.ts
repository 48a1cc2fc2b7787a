import { drizzle, type PostgresJsDatabase } from 'drizzle-orm/postgres-js';
import postgres, { type Sql } from 'postgres';
import * as schema from './schema.ts';

export type Database = PostgresJsDatabase<typeof schema>;

export interface DatabaseOptions {
  url: string;
  /** Connections in the pool. @defaultValue 10 */
  poolMax?: number;
}

export interface DatabaseHandle {
  db: Database;
  sql: Sql;
  /** Waits for running queries, then closes every connection. */
  close(): Promise<void>;
}

export function createDb(options: DatabaseOptions): DatabaseHandle {
  const sql = postgres(options.url, {
    max: options.poolMax ?? 10,
    idle_timeout: 30,
    connect_timeout: 10,
    // NOTICEs (e.g. "relation already exists, skipping") are not our log lines.
    onnotice: () => {},
  });
  const db = drizzle(preparingEveryStatement(sql), { schema });
  return { db, sql, close: () => sql.end({ timeout: 5 }) };
}

type Callback = (...args: unknown[]) => unknown;

/**
 * drizzle runs each statement it was not given a name for unprepared, and postgres.js
 * sends an unprepared statement with parameters as Parse+Describe, waits for the
 * answer, then Bind+Execute: two round trips, and a fresh plan, every time. Our
 * statements are a small fixed set, so every one is prepared instead: once per
 * connection, then one round trip. (postgres.js re-prepares after a migration
 * invalidates a cached plan.) Transactions get a wrapped client too.
 */
function preparingEveryStatement(sql: Sql): Sql {
  const withTransactions = (property: string | symbol, value: unknown) =>
    (property === 'begin' || property === 'savepoint') && typeof value === 'function'
      ? (...args: unknown[]) =>
          (value as Callback).apply(
            sql,
            args.map((arg) => (typeof arg === 'function' ? (tx: Sql) => (arg as Callback)(preparingEveryStatement(tx)) : arg)),
          )
      : value;
  return new Proxy(sql, {
    get(target, property, receiver) {
      if (property === 'unsafe') {
        return (query: string, parameters?: unknown[], options?: object) =>
          target.unsafe(query, parameters as never, { ...options, prepare: true });
      }
      return withTransactions(property, Reflect.get(target, property, receiver));
    },
  });
}

/** True when the database answers a trivial query. */
export async function pingDatabase(sql: Sql): Promise<void> {
  await sql`select 1`;
}
