import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import type { Database } from '../client.ts';
import type { UserRecord } from '../records.ts';
import { users } from '../schema.ts';
import { isUuid, type AppId } from '../tenant.ts';
import { dateOrNullFromText } from './raw-values.ts';

/** What decides whether a user's token is still good, besides its signature and expiry. */
export interface TokenStanding {
  /** Tokens issued before this are revoked; null: never revoked wholesale. */
  validAfter: Date | null;
  /** This very token was revoked. */
  revoked: boolean;
}

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

    /**
     * Whether a token of this user still stands: the user exists, and when their tokens were
     * last revoked wholesale, and whether this one (`jti`) was revoked alone. One statement.
     */
    async tokenStanding(appId: AppId, userId: string, jti: string | undefined): Promise<TokenStanding | undefined> {
      if (!isUuid(userId)) return undefined;
      const [row] = (await db.execute(sql`
        select u.tokens_valid_after,
               ${jti === undefined ? sql`false` : sql`exists (select 1 from revoked_tokens r where r.jti = ${jti})`} as revoked
          from users u where u.app_id = ${appId} and u.id = ${userId}`)) as unknown as { tokens_valid_after: string | null; revoked: boolean }[];
      return row && { validAfter: dateOrNullFromText(row.tokens_valid_after), revoked: row.revoked };
    },

    /**
     * Refuses every token of the user issued before now, or only the one `jti` (kept until
     * `expiresAt`, when it would be refused anyway). Revoking twice is harmless.
     * @returns undefined when there is no such user; else when tokens are refused from (null for one `jti`).
     */
    async revokeTokens(
      appId: AppId,
      userId: string,
      only?: { jti: string; expiresAt: Date },
    ): Promise<{ validAfter: Date | null } | undefined> {
      if (!isUuid(userId)) return undefined;
      return db.transaction(async (tx) => {
        const [user] = (await tx.execute(
          only === undefined
            ? sql`update users set tokens_valid_after = now() where app_id = ${appId} and id = ${userId} returning tokens_valid_after`
            : sql`select null as tokens_valid_after from users where app_id = ${appId} and id = ${userId}`,
        )) as unknown as { tokens_valid_after: string | null }[];
        if (!user) return undefined;
        if (only) {
          await tx.execute(sql`
            insert into revoked_tokens (jti, app_id, user_id, expires_at)
            values (${only.jti}, ${appId}, ${userId}, ${only.expiresAt.toISOString()}) on conflict do nothing`);
        }
        // What can no longer be presented need not be remembered.
        await tx.execute(sql`delete from revoked_tokens where user_id = ${userId} and expires_at < now()`);
        return { validAfter: dateOrNullFromText(user.tokens_valid_after) };
      });
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
