import { and, asc, desc, eq, isNull, sql } from 'drizzle-orm';
import type { Database } from '../client.ts';
import type { ChannelRecord, MemberRecord, MemberRole, ReadStateRecord, Restrictions } from '../records.ts';
import { channelMembers, channels, users } from '../schema.ts';
import { isUuid, type AppId } from '../tenant.ts';
import { logChannelEvent, logEventsOf, type ChannelEventEntry } from './channel-changes.ts';
import { createCoalescer, type Pending } from './coalescer.ts';
import { fixedStatement } from './fixed-statement.ts';
import { PAGE_VERSION } from './history-page.ts';
import { dateFromText, dateOrNullFromText } from './raw-values.ts';
import { upsertRestriction, type NewRestriction } from './moderation.repository.ts';
import { channelJson, recordWebhookEvents } from './webhook-outbox.ts';
import { unreadCountOf } from './unread.ts';

/** What the server API's channel list narrows by; omitted: any. */
export interface AppChannelFilter {
  type?: string;
  /** A user who must be a member. */
  memberId?: string;
  namePrefix?: string;
}

const LISTED_UNREAD_COUNT = unreadCountOf({
  channelId: '"channel_members"."channel_id"',
  userId: '"channel_members"."user_id"',
  lastReadSeq: '"channel_members"."last_read_seq"',
  lastSeq: '"channels"."last_seq"',
});

/** Until when (ms since the epoch; Infinity: until lifted) a restriction of user $3 applies, or null. */
const restrictionUntil = (from: string, where: string) => `(
    select extract(epoch from coalesce(r.expires_at, 'infinity'::timestamptz)) * 1000 from ${from} r
     where ${where} and (r.expires_at is null or r.expires_at > now()))`;

/**
 * A live channel of an app ($1 app, $2 channel), the role in it of $3 (null: not a member) and the
 * restrictions on $3 there: a channel ban or mute, an app-wide ban.
 */
const FIND_ACCESS = `
  select c.*, cm.role,
         ${restrictionUntil('channel_restrictions', "r.channel_id = c.id and r.user_id = $3 and r.kind = 'mute'")} as muted_until_ms,
         ${restrictionUntil('channel_restrictions', "r.channel_id = c.id and r.user_id = $3 and r.kind = 'ban'")} as banned_until_ms,
         ${restrictionUntil('user_bans', 'r.user_id = $3 and r.app_id = c.app_id')} as app_banned_until_ms
    from channels c
    left join channel_members cm on cm.channel_id = c.id and cm.user_id = $3
   where c.app_id = $1 and c.id = $2 and c.deleted_at is null`;

/** What a history read needs: the reader's membership, the channel's seq and its page version. */
const FIND_HISTORY_ACCESS = `
  select c.last_seq, c.message_count, ${PAGE_VERSION} as history_version, cm.role from channels c
    join apps a on a.id = c.app_id
    left join channel_members cm on cm.channel_id = c.id and cm.user_id = $3
   where c.app_id = $1 and c.id = $2 and c.deleted_at is null`;

interface RawChannelRow {
  id: string;
  app_id: string;
  type: string;
  name: string;
  description: string | null;
  metadata: Record<string, unknown>;
  created_by: string;
  last_seq: string;
  last_seq_at: string | null;
  last_message_at: string | null;
  member_count: number;
  message_count: string;
  slow_mode_seconds: number;
  created_at: string;
  updated_at: string;
}

function toChannelRecord(row: RawChannelRow): ChannelRecord {
  return {
    id: row.id,
    appId: row.app_id,
    type: row.type,
    name: row.name,
    description: row.description,
    metadata: row.metadata,
    createdBy: row.created_by,
    lastSeq: Number(row.last_seq),
    lastSeqAt: dateOrNullFromText(row.last_seq_at),
    lastMessageAt: dateOrNullFromText(row.last_message_at),
    memberCount: Number(row.member_count),
    messageCount: Number(row.message_count),
    slowModeSeconds: row.slow_mode_seconds,
    createdAt: dateFromText(row.created_at),
    updatedAt: dateFromText(row.updated_at),
  };
}

/** The new read position and unread count of a member row `cm` just moved (`c`: its channel). */
const MOVED_READ_STATE = `cm.channel_id, cm.user_id, cm.last_read_seq,
  ${unreadCountOf({ channelId: 'cm.channel_id', userId: 'cm.user_id', lastReadSeq: 'cm.last_read_seq', lastSeq: 'c.last_seq' })} as unread_count`;

/** MARK_READ_BATCH for one mark ($1 app, $2 channel, $3 user, $4 seq): half its cost in Postgres alone. */
const MARK_READ = `
  update channel_members cm
     set last_read_seq = greatest(cm.last_read_seq, least(coalesce($4::bigint, c.last_seq), c.last_seq))
    from channels c
   where c.id = cm.channel_id and c.deleted_at is null and cm.app_id = $1 and cm.channel_id = $2 and cm.user_id = $3
  returning ${MOVED_READ_STATE}`;

/**
 * Moves members' read positions forward, many marks in one statement ($1: JSON rows of
 * app_id, channel_id, user_id and seq — null for the newest message): never back, never past the
 * newest message. The member rows are locked in key order first, so concurrent batches cannot
 * deadlock. Returns each moved member's position and unread count.
 */
const MARK_READ_BATCH = `
  with input as (
    select * from jsonb_to_recordset($1::jsonb) as t(app_id uuid, channel_id uuid, user_id uuid, seq bigint)
  ), locked as (
    select cm.channel_id, cm.user_id from channel_members cm
      join input i on i.channel_id = cm.channel_id and i.user_id = cm.user_id and i.app_id = cm.app_id
     order by cm.channel_id, cm.user_id
       for update of cm
  ), moved as (
    update channel_members cm
       set last_read_seq = greatest(cm.last_read_seq, least(coalesce(i.seq, c.last_seq), c.last_seq))
      from input i
      join locked l on l.channel_id = i.channel_id and l.user_id = i.user_id
      join channels c on c.id = i.channel_id and c.deleted_at is null
     where cm.channel_id = i.channel_id and cm.user_id = i.user_id
    returning ${MOVED_READ_STATE}
  )
  select * from moved`;

/** Read marks per statement at most, and statements one process runs at once. */
const MAX_MARKS_PER_STATEMENT = 200;
const MAX_MARK_STATEMENTS_IN_FLIGHT = 4;

interface ReadMark {
  appId: AppId;
  channelId: string;
  userId: string;
  /** undefined: up to the newest message. */
  seq: number | undefined;
}

export interface NewChannel {
  type: string;
  name: string;
  description: string | null;
  metadata: Record<string, unknown>;
  createdBy: string;
}

/** What `PATCH /api/channels/:id` may set. */
export type ChannelChanges = Partial<Pick<NewChannel, 'name' | 'description' | 'metadata'> & { slowModeSeconds: number }>;

export interface Page {
  limit: number;
  offset: number;
}

/** A channel, the asking user's role in it (null: not a member) and the restrictions on them. */
export interface ChannelAccess {
  channel: ChannelRecord;
  role: MemberRole | null;
  restrictions: Restrictions;
}

const untilMs = (value: string | null) => (value === null ? null : Number(value));

/**
 * Locks the channel row — the lock sends and joins take — and reads the user's role in it with the
 * channel's owner and member counts, which no join or role change can move until the commit.
 * @returns undefined when the channel is not in this app; `member` undefined when the user is not in it.
 */
async function lockMembership(tx: Pick<Database, 'execute'>, appId: AppId, channelId: string, userId: string) {
  const [channel] = await tx.execute(
    sql`select id from channels where id = ${channelId} and app_id = ${appId} and deleted_at is null for no key update`,
  );
  if (!channel) return undefined;
  if (!isUuid(userId)) return { member: undefined };
  const [member] = (await tx.execute(sql`
    select cm.role,
           (select count(*) from channel_members o where o.channel_id = cm.channel_id and o.role = 'owner')::int as owners,
           (select count(*) from channel_members o where o.channel_id = cm.channel_id)::int as members
      from channel_members cm where cm.channel_id = ${channelId} and cm.user_id = ${userId}`)) as unknown as {
    role: MemberRole;
    owners: number;
    members: number;
  }[];
  return { member };
}

/** The only owner of a channel that has other members cannot leave it or stop being its owner. */
const isLastOwner = (member: { role: MemberRole; owners: number; members: number }) =>
  member.role === 'owner' && member.owners === 1 && member.members > 1;

/** Takes the member out, and out of the channel's member_count (its row locked by lockMembership). */
async function deleteMember(tx: Pick<Database, 'execute'>, channelId: string, userId: string) {
  await tx.execute(sql`
    with removed as (
      delete from channel_members where channel_id = ${channelId} and user_id = ${userId} returning channel_id
    )
    update channels set member_count = member_count - 1 where id in (select channel_id from removed)`);
}

/** The asking user's role in a channel (null: not a member), its last seq and history version. */
export interface HistoryAccess {
  role: MemberRole | null;
  lastSeq: number;
  /** Its live messages: the history's total. */
  messageCount: number;
  /** Changes whenever the channel's history would render differently (PAGE_VERSION). */
  historyVersion: string;
}

/**
 * Inserts a channel, its creator as owner and its first members, in the caller's transaction (with
 * its channel.created webhook event).
 */
export async function insertChannelWithMembers(
  tx: Pick<Database, 'insert' | 'execute'>,
  appId: AppId,
  values: NewChannel,
  memberIds: readonly string[],
): Promise<ChannelRecord> {
  const [channel] = await tx
    .insert(channels)
    .values({ ...values, appId, memberCount: 1 + memberIds.length })
    .returning();
  await tx.insert(channelMembers).values([
    { channelId: channel!.id, userId: values.createdBy, appId, role: 'owner' as const },
    ...memberIds.map((userId) => ({ channelId: channel!.id, userId, appId, role: 'member' as const })),
  ]);
  await recordWebhookEvents(tx, {
    type: 'channel.created',
    from: 'channels c',
    where: sql`c.id = ${channel!.id}`,
    appId: 'c.app_id',
    channelId: 'c.id',
    data: channelJson('c'),
  });
  return channel!;
}

/** A user joining or leaving, with the event logged for it. */
export interface MemberChange {
  userId: string;
  event: ChannelEventEntry;
}

/** Thrown inside removeMembers' transaction to roll back the removals before a refused one. */
class LastOwnerRefused extends Error {}

/**
 * Adds one member, counting them in member_count and logging `event` in the same statement. The
 * channel row is locked before the insert, as removeMembers locks it before counting the members:
 * an owner leaving and a member joining at once cannot both see a channel of one.
 */
const addMemberStatement = (appId: AppId, channelId: string, userId: string, role: MemberRole, event: ChannelEventEntry) => sql`
  with locked as (
    select id, app_id, last_seq from channels
     where id = ${channelId} and app_id = ${appId} and deleted_at is null for no key update
  ), added as (
    insert into channel_members (channel_id, user_id, app_id, role, last_read_seq)
    select id, ${userId}, app_id, ${role}, last_seq from locked
    on conflict do nothing
    returning channel_id, user_id
  ), counted as (
    update channels set member_count = member_count + 1, history_version = history_version + 1
     where id in (select channel_id from added)
    returning id, app_id, history_version
  )${logEventsOf('counted', event)}`;

export function createChannelsRepository(db: Database) {
  /** Runs `work` in a transaction, or straight on the pool for a single change (whose one statement is atomic). */
  const inOneTransaction = (changes: readonly unknown[], work: (tx: Pick<Database, 'execute'>) => Promise<void>) =>
    changes.length === 1 ? work(db) : db.transaction(work);

  async function removeMembers(
    appId: AppId,
    channelId: string,
    leaves: readonly MemberChange[],
  ): Promise<{ outcome: 'removed'; versions: Map<string, number> } | { outcome: 'last-owner' | 'no-channel' }> {
    if (!isUuid(channelId)) return { outcome: 'no-channel' };
    try {
      return await db.transaction(async (tx) => {
        const versions = new Map<string, number>();
        for (const leave of leaves) {
          const locked = await lockMembership(tx, appId, channelId, leave.userId);
          if (!locked) return { outcome: 'no-channel' } as const;
          if (!locked.member) continue;
          if (isLastOwner(locked.member)) throw new LastOwnerRefused();
          await deleteMember(tx, channelId, leave.userId);
          versions.set(leave.userId, (await logChannelEvent(tx, channelId, leave.event))!);
        }
        return { outcome: 'removed', versions } as const;
      });
    } catch (error) {
      if (error instanceof LastOwnerRefused) return { outcome: 'last-owner' };
      throw error;
    }
  }

  type MovedRow = { channel_id: string; user_id: string; last_read_seq: string; unread_count: number };
  const markReadBatch = fixedStatement<MovedRow>(db, MARK_READ_BATCH);
  const markReadOne = fixedStatement<MovedRow>(db, MARK_READ);
  type AccessRow = RawChannelRow & { role: MemberRole | null } & Record<'muted_until_ms' | 'banned_until_ms' | 'app_banned_until_ms', string | null>;
  const findAccess = fixedStatement<AccessRow>(db, FIND_ACCESS);
  const findHistoryAccess = fixedStatement<{ last_seq: string; message_count: string; history_version: string; role: MemberRole | null }>(
    db,
    FIND_HISTORY_ACCESS,
  );

  /** One statement for a batch of marks; two marks of one member go as one (the further wins). */
  async function writeMarks(marks: Pending<ReadMark, ReadStateRecord | undefined>[]): Promise<void> {
    const byMember = new Map<string, { mark: ReadMark; waiting: typeof marks }>();
    for (const pending of marks) {
      const { appId, channelId, userId, seq } = pending.input;
      const key = `${appId}:${channelId}:${userId}`;
      const known = byMember.get(key);
      if (!known) byMember.set(key, { mark: { ...pending.input }, waiting: [pending] });
      else {
        known.waiting.push(pending);
        known.mark.seq = known.mark.seq === undefined || seq === undefined ? undefined : Math.max(known.mark.seq, seq);
      }
    }
    const members = [...byMember.values()];
    const rows = members.map(({ mark }) => ({ app_id: mark.appId, channel_id: mark.channelId, user_id: mark.userId, seq: mark.seq ?? null }));
    const written =
      rows.length === 1
        ? await markReadOne(rows[0]!.app_id, rows[0]!.channel_id, rows[0]!.user_id, rows[0]!.seq)
        : await markReadBatch(JSON.stringify(rows));
    const moved = new Map(
      written.map((row) => [
        `${row.channel_id}:${row.user_id}`,
        { lastReadSeq: Number(row.last_read_seq), unreadCount: Number(row.unread_count) },
      ]),
    );
    for (const { mark, waiting } of members) {
      const state = moved.get(`${mark.channelId}:${mark.userId}`);
      for (const pending of waiting) pending.resolve(state);
    }
  }
  const readMarks = createCoalescer(writeMarks, { maxBatch: MAX_MARKS_PER_STATEMENT, maxInFlight: MAX_MARK_STATEMENTS_IN_FLIGHT });

  return {
    /**
     * Sets the given fields of the channel and logs `announce(channel after)` in its changes, in
     * one transaction. @returns the channel after, with the change's version; undefined when not a
     * live channel of this app.
     */
    async update(
      appId: AppId,
      channelId: string,
      changes: ChannelChanges,
      announce: (channel: ChannelRecord) => ChannelEventEntry,
    ): Promise<{ channel: ChannelRecord; version: number } | undefined> {
      if (!isUuid(channelId)) return undefined;
      return db.transaction(async (tx) => {
        const [updated] = await tx
          .update(channels)
          .set({ ...changes, updatedAt: new Date() })
          .where(and(eq(channels.appId, appId), eq(channels.id, channelId), isNull(channels.deletedAt)))
          .returning();
        if (!updated) return undefined;
        return { channel: updated, version: (await logChannelEvent(tx, channelId, announce(updated)))! };
      });
    },

    /**
     * Marks the channel deleted (its rows stay, for export): from then on every read and write
     * finds no channel; `deletedBy` (the user who deleted it) goes in its channel.deleted webhook event.
     * @returns its members' ids then, undefined when not a live channel of this app.
     */
    async softDelete(appId: AppId, channelId: string, deletedBy: string | null = null): Promise<string[] | undefined> {
      if (!isUuid(channelId)) return undefined;
      return db.transaction(async (tx) => {
        const [deleted] = await tx
          .update(channels)
          .set({ deletedAt: new Date(), updatedAt: new Date() })
          .where(and(eq(channels.appId, appId), eq(channels.id, channelId), isNull(channels.deletedAt)))
          .returning({ id: channels.id });
        if (!deleted) return undefined;
        await recordWebhookEvents(tx, {
          type: 'channel.deleted',
          from: 'channels c',
          where: sql`c.id = ${channelId}`,
          appId: 'c.app_id',
          channelId: 'c.id',
          data: sql`jsonb_build_object('channelId', c.id, 'deletedBy', ${deletedBy}::uuid)`,
        });
        const members = await tx.select({ userId: channelMembers.userId }).from(channelMembers).where(eq(channelMembers.channelId, channelId));
        return members.map((member) => member.userId);
      });
    },

    /** Inserts the channel, its owner and its first members in one transaction. */
    async createWithMembers(appId: AppId, values: NewChannel, memberIds: readonly string[]): Promise<ChannelRecord> {
      return db.transaction((tx) => insertChannelWithMembers(tx, appId, values, memberIds));
    },

    async findAccess(appId: AppId, channelId: string, userId: string): Promise<ChannelAccess | undefined> {
      if (!isUuid(channelId)) return undefined;
      // A fixed statement: every send of a membership not yet remembered, and every catch-up, asks this.
      const [row] = await findAccess(appId, channelId, userId);
      return (
        row && {
          channel: toChannelRecord(row),
          role: row.role,
          restrictions: {
            mutedUntilMs: untilMs(row.muted_until_ms),
            bannedUntilMs: untilMs(row.banned_until_ms),
            appBannedUntilMs: untilMs(row.app_banned_until_ms),
          },
        }
      );
    },

    /** findAccess for a history read: one primary-key lookup each side, no channel record to build. */
    async findHistoryAccess(appId: AppId, channelId: string, userId: string): Promise<HistoryAccess | undefined> {
      if (!isUuid(channelId)) return undefined;
      const [row] = await findHistoryAccess(appId, channelId, userId);
      return (
        row && { role: row.role, lastSeq: Number(row.last_seq), messageCount: Number(row.message_count), historyVersion: row.history_version }
      );
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
          unreadCount: sql.raw(LISTED_UNREAD_COUNT).mapWith(Number),
        })
        .from(channelMembers)
        .innerJoin(channels, eq(channels.id, channelMembers.channelId))
        .where(and(eq(channelMembers.appId, appId), eq(channelMembers.userId, userId), isNull(channels.deletedAt)))
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
        .where(and(eq(channels.appId, appId), isNull(channels.deletedAt)))
        .orderBy(desc(channels.createdAt), desc(channels.id))
        .limit(page.limit)
        .offset(page.offset);
      return rows.map((row) => ({ ...row.channel, isMember: row.memberUserId !== null }));
    },

    /** How many live channels the user is in (listForMember's total). */
    async countForMember(appId: AppId, userId: string): Promise<number> {
      const [row] = await db
        .select({ total: sql<string>`count(*)` })
        .from(channelMembers)
        .innerJoin(channels, eq(channels.id, channelMembers.channelId))
        .where(and(eq(channelMembers.appId, appId), eq(channelMembers.userId, userId), isNull(channels.deletedAt)));
      return Number(row?.total ?? 0);
    },

    /**
     * The app's live channels, newest first, narrowed by type, a member and a name prefix (the
     * server API's list), and how many match.
     */
    async listForApp(appId: AppId, filter: AppChannelFilter, page: Page): Promise<{ rows: ChannelRecord[]; total: number }> {
      const where = and(
        eq(channels.appId, appId),
        isNull(channels.deletedAt),
        filter.type === undefined ? undefined : eq(channels.type, filter.type),
        filter.namePrefix === undefined ? undefined : sql`starts_with(${channels.name}, ${filter.namePrefix})`,
        filter.memberId === undefined
          ? undefined
          : isUuid(filter.memberId)
            ? sql`exists (select 1 from channel_members cm where cm.channel_id = ${channels.id} and cm.user_id = ${filter.memberId})`
            : sql`false`,
      );
      const [rows, [count]] = await Promise.all([
        db.select().from(channels).where(where).orderBy(desc(channels.createdAt), desc(channels.id)).limit(page.limit).offset(page.offset),
        db.select({ total: sql<string>`count(*)` }).from(channels).where(where),
      ]);
      return { rows, total: Number(count?.total ?? 0) };
    },

    /** How many live channels the app has (listInApp's total). */
    async countInApp(appId: AppId): Promise<number> {
      const [row] = await db
        .select({ total: sql<string>`count(*)` })
        .from(channels)
        .where(and(eq(channels.appId, appId), isNull(channels.deletedAt)));
      return Number(row?.total ?? 0);
    },

    /** Ids of every channel the user is in (the rooms a new connection joins), at most `max`. */
    async channelIdsForMember(appId: AppId, userId: string, max: number): Promise<string[]> {
      const rows = await db
        .select({ channelId: channelMembers.channelId })
        .from(channelMembers)
        .innerJoin(channels, eq(channels.id, channelMembers.channelId))
        .where(and(eq(channelMembers.appId, appId), eq(channelMembers.userId, userId), isNull(channels.deletedAt)))
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
     * Adds members whose history counts as read, in one transaction: each is counted in
     * member_count and its join logged as its event in the channel's changes (a version each), in
     * the statement that adds it.
     * @returns the join version of each user added; those who were members already are absent
     * (nothing changes for them), and so is everyone when there is no such channel.
     */
    async addMembers(appId: AppId, channelId: string, joins: readonly MemberChange[], role: MemberRole = 'member'): Promise<Map<string, number>> {
      const added = new Map<string, number>();
      // One join needs no transaction of its own: its statement is one.
      await inOneTransaction(joins, async (tx) => {
        for (const join of joins) {
          const [logged] = (await tx.execute(addMemberStatement(appId, channelId, join.userId, role, join.event))) as unknown as { version: string }[];
          if (logged) added.set(join.userId, Number(logged.version));
        }
      });
      return added;
    },

    /**
     * Takes users out of the channel (and out of its member_count) in one transaction, each
     * removal logged as its event. The channel row is locked first, as sends and joins lock it, so
     * two owners leaving at once cannot both be "not the last one".
     * @returns `removed` with the version of each user taken out (those who were not members are
     * absent); `last-owner` (refused, and nobody removed: one of them is the only owner of a
     * channel that keeps other members); `no-channel` (not in this app).
     */
    removeMembers,

    /** removeMembers for one user: `left` with the removal's version, or `not-member`. */
    async removeMember(
      appId: AppId,
      channelId: string,
      userId: string,
      event: ChannelEventEntry,
    ): Promise<{ outcome: 'left'; version: number } | { outcome: 'not-member' | 'last-owner' | 'no-channel' }> {
      const removed = await removeMembers(appId, channelId, [{ userId, event }]);
      if (removed.outcome !== 'removed') return removed;
      const version = removed.versions.get(userId);
      return version === undefined ? { outcome: 'not-member' } : { outcome: 'left', version };
    },

    /**
     * Bans the user from the channel until `restriction.expiresAt` (null: until lifted), replacing
     * an earlier ban, and ends their membership in the same transaction (as removeMember does),
     * logging `event` in the channel's changes.
     * @returns `banned` (with whether they were a member and the ban's version), `last-owner`
     * (refused, as in removeMember) or `no-channel`.
     */
    async ban(
      appId: AppId,
      channelId: string,
      userId: string,
      restriction: NewRestriction,
      event: ChannelEventEntry,
    ): Promise<{ outcome: 'banned'; wasMember: boolean; version: number } | { outcome: 'last-owner' | 'no-channel' }> {
      if (!isUuid(channelId)) return { outcome: 'no-channel' };
      return db.transaction(async (tx) => {
        const locked = await lockMembership(tx, appId, channelId, userId);
        if (!locked) return { outcome: 'no-channel' };
        if (locked.member && isLastOwner(locked.member)) return { outcome: 'last-owner' };
        await upsertRestriction(tx, appId, channelId, userId, 'ban', restriction);
        if (locked.member) await deleteMember(tx, channelId, userId);
        return { outcome: 'banned', wasMember: locked.member !== undefined, version: (await logChannelEvent(tx, channelId, event))! };
      });
    },

    /**
     * Sets a member's role. The channel row is locked first (as in removeMember), so the owners
     * counted are the owners that will remain.
     * A change is logged as `event` in the channel's changes.
     * @returns `updated` (with the change's version), `unchanged`, `not-member`, or `last-owner`
     * (refused: it would leave the channel without an owner).
     */
    async setRole(
      appId: AppId,
      channelId: string,
      userId: string,
      role: MemberRole,
      event: ChannelEventEntry,
    ): Promise<{ outcome: 'updated'; version: number } | { outcome: 'unchanged' | 'not-member' | 'last-owner' }> {
      if (!isUuid(channelId)) return { outcome: 'not-member' };
      return db.transaction(async (tx) => {
        const member = (await lockMembership(tx, appId, channelId, userId))?.member;
        if (!member) return { outcome: 'not-member' };
        if (member.role === role) return { outcome: 'unchanged' };
        // A role change (unlike a removal) leaves the member in: demoting the only owner always strands the channel.
        if (member.role === 'owner' && member.owners === 1) return { outcome: 'last-owner' };
        await tx.execute(sql`update channel_members set role = ${role} where channel_id = ${channelId} and user_id = ${userId}`);
        return { outcome: 'updated', version: (await logChannelEvent(tx, channelId, event))! };
      });
    },

    /**
     * Moves the member's read position forward to `seq` (never back, never past the
     * newest message; the newest without `seq`) and returns their unread count after it.
     * Concurrent marks share statements (MARK_READ_BATCH, group commit).
     * @returns undefined when the user is not a member (or there is no such channel).
     */
    async markRead(appId: AppId, channelId: string, userId: string, seq: number | undefined): Promise<ReadStateRecord | undefined> {
      if (!isUuid(channelId)) return undefined;
      return readMarks.submit({ appId, channelId, userId, seq });
    },
  };
}

export type ChannelsRepository = ReturnType<typeof createChannelsRepository>;
