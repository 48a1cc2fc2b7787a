import { and, asc, eq, inArray, sql } from 'drizzle-orm';
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

/**
 * Sets the given profile fields of an existing user only where they differ, and then bumps the
 * app's profile version: their messages, in any channel, show the profile (see the schema). The
 * WHERE is rechecked on the newest row under its lock, so a change is seen exactly when this
 * statement makes it.
 */
function changeProfileStatement(appId: AppId, profile: UserProfile) {
  const fields = [
    profile.displayName !== undefined ? { column: sql.raw('display_name'), value: profile.displayName } : undefined,
    profile.avatarUrl !== undefined ? { column: sql.raw('avatar_url'), value: profile.avatarUrl } : undefined,
  ].filter((field) => field !== undefined);
  if (fields.length === 0) return undefined;
  const set = sql.join(fields.map(({ column, value }) => sql`${column} = ${value}`), sql`, `);
  const differs = sql.join(fields.map(({ column, value }) => sql`${column} is distinct from ${value}`), sql` or `);
  return sql`
    with changed as (
      update users set ${set}, updated_at = now()
       where app_id = ${appId} and external_id = ${profile.externalId} and (${differs})
      returning id
    )
    update apps set profile_version = profile_version + 1 where id = ${appId} and exists (select 1 from changed)`;
}

export function createUsersRepository(db: Database) {
  return {
    /** Creates the user or updates the profile fields that were given. */
    async upsert(appId: AppId, profile: UserProfile): Promise<UserRecord> {
      const changeProfile = changeProfileStatement(appId, profile);
      if (changeProfile) await db.execute(changeProfile);
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
