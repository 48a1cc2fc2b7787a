import { and, asc, eq, inArray, isNull, sql, type SQL } from 'drizzle-orm';
import type { Database } from '../client.ts';
import type { UserRecord } from '../records.ts';
import { users } from '../schema.ts';
import { isUuid, type AppId } from '../tenant.ts';
import { dateOrNullFromText } from './raw-values.ts';
import { recordWebhookEvents, userJson } from './webhook-outbox.ts';

/** user.deleted for the user when `changed` (over their row `u`) says this transaction deleted them. */
export const recordUserDeleted = (tx: Pick<Database, 'execute'>, userId: string, changed: SQL) =>
  recordWebhookEvents(tx, {
    type: 'user.deleted',
    from: 'users u',
    where: sql`u.id = ${userId} and ${changed}`,
    appId: 'u.app_id',
    channelId: 'null::uuid',
    data: userJson('u'),
  });

/** What decides whether a user's token is still good, besides its signature and expiry. */
export interface TokenStanding {
  /** Tokens issued before this are revoked; null: never revoked wholesale. */
  validAfter: Date | null;
  /** This very token was revoked. */
  revoked: boolean;
  /** The user is deactivated (or erased): none of their tokens is good. */
  deactivated: boolean;
}

export interface UserProfile {
  externalId: string;
  /** undefined keeps the stored value; null clears it. */
  displayName?: string | null;
  avatarUrl?: string | null;
}

/** What `PATCH /api/users/:id` changes; undefined keeps the stored value. */
export interface UserChanges {
  displayName?: string | null;
  avatarUrl?: string | null;
  metadata?: Record<string, unknown>;
}

/** The columns every history page shows of its authors; undefined keeps the stored value. */
export interface ShownProfile {
  displayName?: string | null;
  avatarUrl?: string | null;
  /** Only an erasure renames a user. */
  externalId?: string;
}

/** The user a statement acts on: by the tenant's id (upsert, token) or by the internal one. */
export type UserKey = { externalId: string } | { id: string };

/**
 * Sets the given shown columns of an existing user only where they differ, and then bumps the
 * app's profile version: their messages, in any channel, show the profile (see the schema). The
 * WHERE is rechecked on the newest row under its lock, so a change is seen exactly when this
 * statement makes it. `condition` narrows the users it may change (not deactivated, not erased).
 */
export function changeProfileStatement(appId: AppId, key: UserKey, profile: ShownProfile, condition?: SQL) {
  const fields = [
    profile.displayName !== undefined ? { column: sql.raw('display_name'), value: profile.displayName } : undefined,
    profile.avatarUrl !== undefined ? { column: sql.raw('avatar_url'), value: profile.avatarUrl } : undefined,
    profile.externalId !== undefined ? { column: sql.raw('external_id'), value: profile.externalId } : undefined,
  ].filter((field) => field !== undefined);
  if (fields.length === 0) return undefined;
  const set = sql.join(fields.map(({ column, value }) => sql`${column} = ${value}`), sql`, `);
  const differs = sql.join(fields.map(({ column, value }) => sql`${column} is distinct from ${value}`), sql` or `);
  const user = 'id' in key ? sql`id = ${key.id}` : sql`external_id = ${key.externalId}`;
  return sql`
    with changed as (
      update users set ${set}, updated_at = now()
       where app_id = ${appId} and ${user} and (${differs}) ${condition ? sql`and ${condition}` : sql``}
      returning id
    )
    update apps set profile_version = profile_version + 1 where id = ${appId} and exists (select 1 from changed)`;
}

export function createUsersRepository(db: Database) {
  /** The profile change first (it bumps the profile version only when something differs), then the row. */
  async function upsert(appId: AppId, profile: UserProfile, onlyActive: boolean): Promise<UserRecord | undefined> {
    const changeProfile = changeProfileStatement(
      appId,
      { externalId: profile.externalId },
      { displayName: profile.displayName, avatarUrl: profile.avatarUrl },
      onlyActive ? sql`deactivated_at is null` : undefined,
    );
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
      .onConflictDoUpdate({
        target: [users.appId, users.externalId],
        set: changes,
        ...(onlyActive ? { setWhere: isNull(users.deactivatedAt) } : {}),
      })
      .returning();
    return row;
  }

  return {
    /** Creates the user or updates the profile fields that were given (a deactivated user stays deactivated). */
    async upsert(appId: AppId, profile: UserProfile): Promise<UserRecord> {
      return (await upsert(appId, profile, false))!;
    },

    /**
     * upsert for minting a token: a deactivated user is left exactly as it is.
     * @returns undefined when the user exists and is deactivated.
     */
    async upsertActive(appId: AppId, profile: UserProfile): Promise<UserRecord | undefined> {
      return upsert(appId, profile, true);
    },

    /**
     * Sets the given profile fields and metadata of a user who is not erased (a changed display
     * name or avatar bumps the app's profile version, as upsert does).
     * @returns undefined when there is no such user in the app, or they were erased.
     */
    async update(appId: AppId, userId: string, changes: UserChanges): Promise<UserRecord | undefined> {
      if (!isUuid(userId)) return undefined;
      return db.transaction(async (tx) => {
        const changeProfile = changeProfileStatement(
          appId,
          { id: userId },
          { displayName: changes.displayName, avatarUrl: changes.avatarUrl },
          sql`erased_at is null`,
        );
        if (changeProfile) await tx.execute(changeProfile);
        const [row] = await tx
          .update(users)
          .set({ ...(changes.metadata === undefined ? {} : { metadata: changes.metadata }), updatedAt: new Date() })
          .where(and(eq(users.appId, appId), eq(users.id, userId), isNull(users.erasedAt)))
          .returning();
        return row;
      });
    },

    /**
     * Deactivates the user: from now on each of their tokens is refused (see tokenStanding), and
     * the tokens issued until now stay refused after a reactivation. Deactivating twice changes nothing.
     * A deactivation is a user.deleted webhook event, in its transaction.
     * @returns the user after, undefined when not in this app.
     */
    async deactivate(appId: AppId, userId: string): Promise<UserRecord | undefined> {
      if (!isUuid(userId)) return undefined;
      const active = sql`${users.deactivatedAt} is null`;
      return db.transaction(async (tx) => {
        const [row] = await tx
          .update(users)
          .set({
            // Every right-hand side reads the row as it was, so all three see the same `active`.
            deactivatedAt: sql`coalesce(${users.deactivatedAt}, now())`,
            tokensValidAfter: sql`case when ${active} then now() else ${users.tokensValidAfter} end`,
            updatedAt: sql`case when ${active} then now() else ${users.updatedAt} end`,
          })
          .where(and(eq(users.appId, appId), eq(users.id, userId)))
          .returning();
        // now() is this transaction's instant: deactivated_at equals it only when this call deactivated them.
        if (row) await recordUserDeleted(tx, userId, sql`u.deactivated_at = now()`);
        return row;
      });
    },

    /**
     * Lets a deactivated user have tokens again (newly minted ones: the old stay refused).
     * @returns the user after; undefined when not in this app or erased (nothing changes).
     */
    async reactivate(appId: AppId, userId: string): Promise<UserRecord | undefined> {
      if (!isUuid(userId)) return undefined;
      const [row] = await db
        .update(users)
        .set({
          deactivatedAt: null,
          updatedAt: sql`case when ${users.deactivatedAt} is null then ${users.updatedAt} else now() end`,
        })
        .where(and(eq(users.appId, appId), eq(users.id, userId), isNull(users.erasedAt)))
        .returning();
      return row;
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
        select u.tokens_valid_after, u.deactivated_at is not null as deactivated,
               ${jti === undefined ? sql`false` : sql`exists (select 1 from revoked_tokens r where r.jti = ${jti})`} as revoked
          from users u where u.app_id = ${appId} and u.id = ${userId}`)) as unknown as {
        tokens_valid_after: string | null;
        deactivated: boolean;
        revoked: boolean;
      }[];
      return row && { validAfter: dateOrNullFromText(row.tokens_valid_after), revoked: row.revoked, deactivated: row.deactivated };
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

    /** How many users the app has (an index-only count on users_app_external_idx). */
    async count(appId: AppId): Promise<number> {
      const [row] = await db.select({ total: sql<string>`count(*)` }).from(users).where(eq(users.appId, appId));
      return Number(row?.total ?? 0);
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
