import { desc, eq, sql } from 'drizzle-orm';
import type { Database } from '../client.ts';
import type { AppRecord } from '../records.ts';
import { apps } from '../schema.ts';

/** Apps are the tenants themselves: these are admin reads, not tenant-scoped ones. */
export function createAppsRepository(db: Database) {
  return {
    async insert(values: { name: string; apiKey: string; apiSecretHash: string }): Promise<AppRecord> {
      const [row] = await db.insert(apps).values(values).returning();
      return row!;
    },

    async list(page: { limit: number; offset: number }): Promise<AppRecord[]> {
      return db.select().from(apps).orderBy(desc(apps.createdAt), desc(apps.id)).limit(page.limit).offset(page.offset);
    },

    async count(): Promise<number> {
      const [row] = await db.select({ total: sql<string>`count(*)` }).from(apps);
      return Number(row?.total ?? 0);
    },

    async findByApiKey(apiKey: string): Promise<AppRecord | undefined> {
      const [row] = await db.select().from(apps).where(eq(apps.apiKey, apiKey)).limit(1);
      return row;
    },
  };
}

export type AppsRepository = ReturnType<typeof createAppsRepository>;
