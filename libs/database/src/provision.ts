import postgres from 'postgres';
import { migrate } from 'drizzle-orm/postgres-js/migrator';
import { drizzle } from 'drizzle-orm/postgres-js';
import { fileURLToPath } from 'node:url';

const MIGRATIONS_FOLDER = fileURLToPath(new URL('../migrations', import.meta.url));

/** Any fixed number: every Heyyo node that migrates takes the same lock. */
const MIGRATION_LOCK_ID = 7_140_001;

/**
 * Creates the database named in `url` when it does not exist (local development).
 * @returns true when it was created.
 */
export async function createDatabaseIfMissing(url: string): Promise<boolean> {
  const target = new URL(url);
  const name = decodeURIComponent(target.pathname.slice(1));
  if (!name) throw new Error('DATABASE_URL names no database');
  const maintenance = new URL(url);
  maintenance.pathname = '/postgres';
  const sql = postgres(maintenance.toString(), { max: 1, onnotice: () => {}, connect_timeout: 10 });
  try {
    const [existing] = await sql`select 1 from pg_database where datname = ${name}`;
    if (existing) return false;
    await sql`create database ${sql(name)}`;
    return true;
  } catch (error) {
    // Another node created it between our check and our create.
    if ((error as { code?: string }).code === '42P04') return false;
    throw error;
  } finally {
    await sql.end({ timeout: 5 });
  }
}

/**
 * Applies the committed SQL migrations. An advisory lock makes nodes that start
 * together migrate one after the other instead of racing.
 */
export async function runMigrations(url: string): Promise<void> {
  const sql = postgres(url, { max: 1, onnotice: () => {}, connect_timeout: 10 });
  try {
    await sql`select pg_advisory_lock(${MIGRATION_LOCK_ID})`;
    await migrate(drizzle(sql), { migrationsFolder: MIGRATIONS_FOLDER });
  } finally {
    await sql`select pg_advisory_unlock(${MIGRATION_LOCK_ID})`.catch(() => {});
    await sql.end({ timeout: 5 });
  }
}

const UNREACHABLE = new Set(['ECONNREFUSED', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENOTFOUND', 'CONNECT_TIMEOUT', 'EADDRNOTAVAIL']);

/**
 * Whether a Postgres server listens where `url` points (any database, any answer to
 * the login counts: a server that refuses our credentials is there, and says why later).
 */
export async function postgresAnswers(url: string, timeoutSeconds = 2): Promise<boolean> {
  const sql = postgres(url, { max: 1, onnotice: () => {}, connect_timeout: timeoutSeconds });
  try {
    await sql`select 1`;
    return true;
  } catch (error) {
    return !UNREACHABLE.has((error as { code?: string }).code ?? '');
  } finally {
    await sql.end({ timeout: 1 });
  }
}
