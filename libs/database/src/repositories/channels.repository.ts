import { and, asc, desc, eq, sql } from 'drizzle-orm';
import type { Database } from '../client.ts';
import type { ChannelRecord, MemberRecord, MemberRole, ReadStateRecord } from '../records.ts';
import { channelMembers, channels, users } from '../schema.ts';
import { isUuid, type AppId } from '../tenant.ts';
import { unreadCountOf } from './unread.ts';

export interface NewChannel {
  type: string;
  name: string;
  description: string | null;
  metadata: Record<string, unknown>;
  createdBy: string;
}

export interface Page {
  limit: number;
  offset: number;
}

/** A channel and the asking user's role in it (null: not a member). */
export interface ChannelAccess {
  channel: ChannelRecord;
  role: MemberRole | null;
}

export function createChannelsRepository(db: Database) {
  return {
    /** Inserts the channel, its owner and its first members in one transaction. */
    async createWithMembers(appId: AppId, values: NewChannel, memberIds: readonly string[]): Promise<ChannelRecord> {
      return db.transaction(async (tx) => {
        const [channel] = await tx
          .insert(channels)
          .values({ ...values, appId, memberCount: 1 + memberIds.length })
          .returning();
        await tx.insert(channelMembers).values([
          { channelId: channel!.id, userId: values.createdBy, appId, role: 'owner' as const },
          ...memberIds.map((userId) => ({ channelId: channel!.id, userId, appId, role: 'member' as const })),
        ]);
        return channel!;
      });
    },

    async findAccess(appId: AppId, channelId: string, userId: string): Promise<ChannelAccess | undefined> {
      if (!isUuid(channelId)) return undefined;
      const [row] = await db
        .select({ channel: channels, role: channelMembers.role })
        .from(channels)
        .leftJoin(
          channelMembers,
          and(eq(channelMembers.channelId, channels.id), eq(channelMembers.userId, userId)),
        )
        .where(and(eq(channels.appId, appId), eq(channels.id, channelId)))
        .limit(1);
      return row;
    },

    /** The user's channels with their read state, most recently active first. */
    async listForMember(
      appId: AppId,
      userId: string,
      page: Page,
    ): Promise<(ChannelRecord & ReadStateRecord & { role: MemberRole })[]> {
      const rows = await db
        .select({
          channel: channels,
          role: channelMembers.role,
          lastReadSeq: channelMembers.lastReadSeq,
          unreadCount: unreadCountOf({
            channelId: channelMembers.channelId,
            userId: channelMembers.userId,
            lastReadSeq: channelMembers.lastReadSeq,
            lastSeq: channels.lastSeq,
          }),
        })
        .from(channelMembers)
        .innerJoin(channels, eq(channels.id, channelMembers.channelId))
        .where(and(eq(channelMembers.appId, appId), eq(channelMembers.userId, userId)))
        .orderBy(desc(sql`coalesce(${channels.lastMessageAt}, ${channels.createdAt})`), desc(channels.id))
        .limit(page.limit)
        .offset(page.offset);
      return rows.map(({ channel, ...member }) => ({ ...channel, ...member }));
    },

    /** Every channel of the app, newest first, with whether the user is in it. */
    async listInApp(appId: AppId, userId: string, page: Page): Promise<(ChannelRecord & { isMember: boolean })[]> {
      const rows = await db
        .select({ channel: channels, memberUserId: channelMembers.userId })
        .from(channels)
        .leftJoin(
          channelMembers,
          and(eq(channelMembers.channelId, channels.id), eq(channelMembers.userId, userId)),
        )
        .where(eq(channels.appId, appId))
        .orderBy(desc(channels.createdAt), desc(channels.id))
        .limit(page.limit)
        .offset(page.offset);
      return rows.map((row) => ({ ...row.channel, isMember: row.memberUserId !== null }));
    },

    /** Ids of every channel the user is in (the rooms a new connection joins), at most `max`. */
    async channelIdsForMember(appId: AppId, userId: string, max: number): Promise<string[]> {
      const rows = await db
        .select({ channelId: channelMembers.channelId })
        .from(channelMembers)
        .where(and(eq(channelMembers.appId, appId), eq(channelMembers.userId, userId)))
        .limit(max);
      return rows.map((row) => row.channelId);
    },

    async listMembers(appId: AppId, channelId: string): Promise<MemberRecord[]> {
      return db
        .select({
          userId: users.id,
          externalId: users.externalId,
          displayName: users.displayName,
          avatarUrl: users.avatarUrl,
          role: channelMembers.role,
          joinedAt: channelMembers.joinedAt,
        })
        .from(channelMembers)
        .innerJoin(users, eq(users.id, channelMembers.userId))
        .where(and(eq(channelMembers.appId, appId), eq(channelMembers.channelId, channelId)))
        .orderBy(asc(channelMembers.joinedAt), asc(users.id));
    },

    /**
     * Adds a member whose history counts as read, and counts them in member_count in the
     * same statement.
     * @returns false when the user was already a member (nothing changes).
     */
    async addMember(appId: AppId, channelId: string, userId: string, role: MemberRole): Promise<boolean> {
      const inserted = await db.execute(sql`
        with added as (
          insert into channel_members (channel_id, user_id, app_id, role, last_read_seq)
          select id, ${userId}, app_id, ${role}, last_seq from channels
           where id = ${channelId} and app_id = ${appId}
          on conflict do nothing
          returning channel_id, user_id
        ), counted as (
          update channels set member_count = member_count + 1 where id in (select channel_id from added)
        )
        select user_id from added`);
      return inserted.length > 0;
    },

    /**
     * Moves the member's read position forward to `seq` (never back, never past the
     * newest message; the newest without `seq`) and returns their unread count after it.
     * @returns undefined when the user is not a member.
     */
    async markRead(appId: AppId, channelId: string, userId: string, seq: number | undefined): Promise<ReadStateRecord | undefined> {
      const [row] = (await db.execute(sql`
        update channel_members cm
           set last_read_seq = greatest(cm.last_read_seq, least(coalesce(${seq ?? null}::bigint, c.last_seq), c.last_seq))
          from channels c
         where c.id = cm.channel_id and cm.app_id = ${appId} and cm.channel_id = ${channelId} and cm.user_id = ${userId}
        returning cm.last_read_seq,
                  ${unreadCountOf({ channelId: sql`cm.channel_id`, userId: sql`cm.user_id`, lastReadSeq: sql`cm.last_read_seq`, lastSeq: sql`c.last_seq` })} as unread_count`)) as unknown as {
        last_read_seq: string;
        unread_count: number;
      }[];
      return row && { lastReadSeq: Number(row.last_read_seq), unreadCount: Number(row.unread_count) };
    },
  };
}

export type ChannelsRepository = ReturnType<typeof createChannelsRepository>;
