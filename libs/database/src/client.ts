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
  const db = drizzle(sql, { schema });
  return { db, sql, close: () => sql.end({ timeout: 5 }) };
}

/** True when the database answers a trivial query. */
export async function pingDatabase(sql: Sql): Promise<void> {
  await sql`select 1`;
}
