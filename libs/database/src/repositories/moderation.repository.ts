import { and, desc, eq, gt, isNull, or, sql } from 'drizzle-orm';
import type { Database } from '../client.ts';
import { channelRestrictions, userBans, users } from '../schema.ts';
import { isUuid, type AppId } from '../tenant.ts';
import { logChannelEvent, type ChannelEventEntry } from './channel-changes.ts';

export type RestrictionKind = 'ban' | 'mute';

/** A ban or mute being set. */
export interface NewRestriction {
  reason: string | null;
  /** The moderator; null for the tenant's backend. */
  createdBy: string | null;
  createdAt: Date;
  /** null: until lifted. */
  expiresAt: Date | null;
}

/** A ban or mute in force, with whom it restricts. */
export interface RestrictionRecord {
  userId: string;
  externalId: string;
  reason: string | null;
  createdBy: string | null;
  createdAt: Date;
  expiresAt: Date | null;
}

/** Sets (or replaces) a user's ban or mute in a channel. Callers lock the channel row first. */
export async function upsertRestriction(
  tx: Pick<Database, 'insert'>,
  appId: AppId,
  channelId: string,
  userId: string,
  kind: RestrictionKind,
  restriction: NewRestriction,
): Promise<void> {
  await tx
    .insert(channelRestrictions)
    .values({ appId, channelId, userId, kind, ...restriction })
    .onConflictDoUpdate({ target: [channelRestrictions.channelId, channelRestrictions.userId, channelRestrictions.kind], set: restriction });
}

/** Still in force: no expiry, or one still ahead. */
const inForce = (expiresAt: typeof channelRestrictions.expiresAt | typeof userBans.expiresAt) =>
  or(isNull(expiresAt), gt(expiresAt, sql`now()`));

/** Channel mutes and app-wide bans (channel bans, which end a membership, are in the channels repository). */
export function createModerationRepository(db: Database) {
  return {
    /** Mutes a member (the caller checked the membership), logging `event` in the channel's changes. @returns its version. */
    async mute(appId: AppId, channelId: string, userId: string, restriction: NewRestriction, event: ChannelEventEntry): Promise<number> {
      return db.transaction(async (tx) => {
        await upsertRestriction(tx, appId, channelId, userId, 'mute', restriction);
        return (await logChannelEvent(tx, channelId, event))!;
      });
    },

    /**
     * Lifts a ban or mute; one still in force is logged as `event` in the channel's changes.
     * @returns the version of the lift, undefined when none in force was lifted.
     */
    async lift(appId: AppId, channelId: string, userId: string, kind: RestrictionKind, event: ChannelEventEntry): Promise<number | undefined> {
      if (!isUuid(channelId) || !isUuid(userId)) return undefined;
      return db.transaction(async (tx) => {
        const lifted = await tx
          .delete(channelRestrictions)
          .where(
            and(
              eq(channelRestrictions.appId, appId),
              eq(channelRestrictions.channelId, channelId),
              eq(channelRestrictions.userId, userId),
              eq(channelRestrictions.kind, kind),
            ),
          )
          .returning({ expiresAt: channelRestrictions.expiresAt });
        const inForceLifted = lifted.some((row) => row.expiresAt === null || row.expiresAt.getTime() > Date.now());
        return inForceLifted ? logChannelEvent(tx, channelId, event) : undefined;
      });
    },

    /** A page of the restrictions of a kind in force in the channel, newest first, and how many there are. */
    async listInForce(
      appId: AppId,
      channelId: string,
      kind: RestrictionKind,
      page: { limit: number; offset: number },
    ): Promise<{ rows: RestrictionRecord[]; total: number }> {
      if (!isUuid(channelId)) return { rows: [], total: 0 };
      const where = and(
        eq(channelRestrictions.appId, appId),
        eq(channelRestrictions.channelId, channelId),
        eq(channelRestrictions.kind, kind),
        inForce(channelRestrictions.expiresAt),
      );
      const [rows, [count]] = await Promise.all([
        db
          .select({
            userId: channelRestrictions.userId,
            externalId: users.externalId,
            reason: channelRestrictions.reason,
            createdBy: channelRestrictions.createdBy,
            createdAt: channelRestrictions.createdAt,
            expiresAt: channelRestrictions.expiresAt,
          })
          .from(channelRestrictions)
          .innerJoin(users, eq(users.id, channelRestrictions.userId))
          .where(where)
          .orderBy(desc(channelRestrictions.createdAt), desc(channelRestrictions.userId))
          .limit(page.limit)
          .offset(page.offset),
        db.select({ total: sql<string>`count(*)` }).from(channelRestrictions).where(where),
      ]);
      return { rows, total: Number(count?.total ?? 0) };
    },

    /** Bans a user of the app (the caller checked it is one) from writing anywhere in it, replacing an earlier ban. */
    async banInApp(appId: AppId, userId: string, ban: Omit<NewRestriction, 'createdBy'>): Promise<void> {
      await db
        .insert(userBans)
        .values({ appId, userId, ...ban })
        .onConflictDoUpdate({ target: userBans.userId, set: ban });
    },

    /** Lifts a user's app-wide ban (none is not an error). */
    async unbanInApp(appId: AppId, userId: string): Promise<void> {
      if (!isUuid(userId)) return;
      await db.delete(userBans).where(and(eq(userBans.appId, appId), eq(userBans.userId, userId)));
    },

    /** The user's app-wide ban as stored (in force or not), for an export. */
    async appBanOf(appId: AppId, userId: string) {
      const [ban] = await db
        .select({ reason: userBans.reason, createdAt: userBans.createdAt, expiresAt: userBans.expiresAt })
        .from(userBans)
        .where(and(eq(userBans.appId, appId), eq(userBans.userId, userId)));
      return ban;
    },

    /** A page of the user's channel bans and mutes as stored (in force or not), by channel then kind, for an export. */
    async restrictionsOf(appId: AppId, userId: string, page: { after: { channelId: string; kind: string } | null; limit: number }) {
      return db
        .select({
          channelId: channelRestrictions.channelId,
          kind: channelRestrictions.kind,
          reason: channelRestrictions.reason,
          createdBy: channelRestrictions.createdBy,
          createdAt: channelRestrictions.createdAt,
          expiresAt: channelRestrictions.expiresAt,
        })
        .from(channelRestrictions)
        .where(
          and(
            eq(channelRestrictions.appId, appId),
            eq(channelRestrictions.userId, userId),
            page.after ? sql`(${channelRestrictions.channelId}, ${channelRestrictions.kind}) > (${page.after.channelId}, ${page.after.kind})` : undefined,
          ),
        )
        .orderBy(channelRestrictions.channelId, channelRestrictions.kind)
        .limit(page.limit);
    },

    /** Until when (ms; Infinity: until lifted) the user is banned app-wide, or null. */
    async appBanUntil(appId: AppId, userId: string): Promise<number | null> {
      const [ban] = await db
        .select({ expiresAt: userBans.expiresAt })
        .from(userBans)
        .where(and(eq(userBans.appId, appId), eq(userBans.userId, userId), inForce(userBans.expiresAt)));
      return ban ? (ban.expiresAt?.getTime() ?? Infinity) : null;
    },
  };
}

export type ModerationRepository = ReturnType<typeof createModerationRepository>;
