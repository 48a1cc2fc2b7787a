import { and, asc, eq, inArray } from 'drizzle-orm';
import type { Database } from '../client.ts';
import type { UserRecord } from '../records.ts';
import { users } from '../schema.ts';
import { isUuid, type AppId } from '../tenant.ts';

export interface UserProfile {
  externalId: string;
  /** undefined keeps the stored value; null clears it. */
  displayName?: string | null;
  avatarUrl?: string | null;
}

export function createUsersRepository(db: Database) {
  return {
    /** Creates the user or updates the profile fields that were given. */
    async upsert(appId: AppId, profile: UserProfile): Promise<UserRecord> {
      const changes: Partial<typeof users.$inferInsert> = { updatedAt: new Date() };
      if (profile.displayName !== undefined) changes.displayName = profile.displayName;
      if (profile.avatarUrl !== undefined) changes.avatarUrl = profile.avatarUrl;
      const [row] = await db
        .insert(users)
        .values({
          appId,
          externalId: profile.externalId,
          displayName: profile.displayName ?? null,
          avatarUrl: profile.avatarUrl ?? null,
        })
        .onConflictDoUpdate({ target: [users.appId, users.externalId], set: changes })
        .returning();
      return row!;
    },

    async findById(appId: AppId, userId: string): Promise<UserRecord | undefined> {
      if (!isUuid(userId)) return undefined;
      const [row] = await db
        .select()
        .from(users)
        .where(and(eq(users.appId, appId), eq(users.id, userId)))
        .limit(1);
      return row;
    },

    /** The app's users in creation order. */
    async list(appId: AppId, page: { limit: number; offset: number }): Promise<UserRecord[]> {
      return db
        .select()
        .from(users)
        .where(eq(users.appId, appId))
        .orderBy(asc(users.createdAt), asc(users.id))
        .limit(page.limit)
        .offset(page.offset);
    },

    /** The ids among `userIds` that are users of this app. */
    async existingIds(appId: AppId, userIds: readonly string[]): Promise<Set<string>> {
      const candidates = userIds.filter(isUuid);
      if (candidates.length === 0) return new Set();
      const rows = await db
        .select({ id: users.id })
        .from(users)
        .where(and(eq(users.appId, appId), inArray(users.id, candidates)));
      return new Set(rows.map((row) => row.id));
    },
  };
}

export type UsersRepository = ReturnType<typeof createUsersRepository>;
