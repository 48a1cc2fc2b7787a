import { and, eq, sql, type SQL } from 'drizzle-orm';
import type { Database } from '../client.ts';
import type { MemberRole, UserRecord } from '../records.ts';
import { users } from '../schema.ts';
import { isUuid, type AppId } from '../tenant.ts';
import { logEventsOf, nthChangeVersion, type ChannelEventEntry } from './channel-changes.ts';
import { recountReactionsStatement, recountRepliesStatement } from './counters.repository.ts';
import { changeProfileStatement, recordUserDeleted } from './users.repository.ts';
import { dateFromText, dateOrNullFromText } from './raw-values.ts';

/*
 * Everything stored about one user across the app's channels, for their export and their erasure.
 * A user may have written a million messages: every read here is one keyset page, and every
 * erasure step one short transaction over a bounded batch (holding its channels' row locks for
 * a moment, under the database deadline), so neither memory nor a lock grows with the user.
 * The steps are idempotent: an erasure that stopped half-way is finished by running it again.
 *
 * Messages are found per channel through messages_channel_user_seq_idx (channel, user, seq),
 * so sends pay for no index by user; reactions through reactions_user_idx.
 */

/** A message still holding something its author wrote (or not yet deleted): what an erasure wipes. */
const NOT_ERASED = sql.raw(`(m.deleted_at is null or m.text is not null or m.attachments <> '[]'::jsonb
  or m.metadata <> '{}'::jsonb or m.client_id is not null)`);

/** `(select …)`: a bounded list of uuids as one parameter, for `x in ${uuidList(ids)}`. */
const uuidList = (ids: readonly string[]) => sql`(select jsonb_array_elements_text(${JSON.stringify(ids)}::jsonb)::uuid)`;

export interface ExportedMembershipRecord {
  channelId: string;
  channelName: string;
  role: MemberRole;
  joinedAt: Date;
  lastReadSeq: number;
}

export interface ExportedMessageRecord {
  id: string;
  channelId: string;
  seq: number;
  text: string | null;
  attachments: Record<string, unknown>[];
  metadata: Record<string, unknown>;
  parentId: string | null;
  clientId: string | null;
  reactionCounts: Record<string, number>;
  createdAt: Date;
  updatedAt: Date;
  deletedAt: Date | null;
  editedAt: Date | null;
}

export interface ExportedReactionRecord {
  messageId: string;
  channelId: string;
  type: string;
  createdAt: Date;
  removedAt: Date | null;
}

type Rows<T> = Promise<T[]>;

interface RawExportedMessage {
  id: string;
  channel_id: string;
  seq: string;
  text: string | null;
  attachments: Record<string, unknown>[];
  metadata: Record<string, unknown>;
  parent_id: string | null;
  client_id: string | null;
  reaction_counts: Record<string, number>;
  created_at: string;
  updated_at: string;
  deleted_at: string | null;
  edited_at: string | null;
}

export function createUserDataRepository(db: Database) {
  const rows = async <T>(query: SQL) => (await db.execute(query)) as unknown as T[];

  return {
    /**
     * The channels of the app (after `afterChannelId`, in id order) where the user has messages —
     * only messages not yet erased with `unerasedOnly`. One index probe per channel of the app.
     */
    async channelsWithMessages(
      appId: AppId,
      userId: string,
      page: { afterChannelId: string | null; limit: number; unerasedOnly: boolean },
    ): Promise<string[]> {
      if (!isUuid(userId)) return [];
      const found = await rows<{ id: string }>(sql`
        select c.id from channels c
         where c.app_id = ${appId} ${page.afterChannelId ? sql`and c.id > ${page.afterChannelId}` : sql``}
           and exists (select 1 from messages m where m.channel_id = c.id and m.user_id = ${userId}
                       ${page.unerasedOnly ? sql`and ${NOT_ERASED}` : sql``})
         order by c.id limit ${page.limit}`);
      return found.map((row) => row.id);
    },

    /** A page of the user's channel memberships, in channel id order. */
    async memberships(appId: AppId, userId: string, page: { afterChannelId: string | null; limit: number }): Rows<ExportedMembershipRecord> {
      const found = await rows<{ channel_id: string; name: string; role: MemberRole; joined_at: string; last_read_seq: string }>(sql`
        select cm.channel_id, c.name, cm.role, cm.joined_at, cm.last_read_seq
          from channel_members cm join channels c on c.id = cm.channel_id
         where cm.app_id = ${appId} and cm.user_id = ${userId}
               ${page.afterChannelId ? sql`and cm.channel_id > ${page.afterChannelId}` : sql``}
         order by cm.channel_id limit ${page.limit}`);
      return found.map((row) => ({
        channelId: row.channel_id,
        channelName: row.name,
        role: row.role,
        joinedAt: dateFromText(row.joined_at),
        lastReadSeq: Number(row.last_read_seq),
      }));
    },

    /** A page of the user's messages in one channel, in seq order, as stored (deleted ones too). */
    async messages(appId: AppId, userId: string, channelId: string, page: { afterSeq: number; limit: number }): Rows<ExportedMessageRecord> {
      const found = await rows<RawExportedMessage>(sql`
        select m.id, m.channel_id, m.seq, m.text, m.attachments, m.metadata, m.parent_id, m.client_id, m.reaction_counts,
               m.created_at, m.updated_at, m.deleted_at, m.edited_at
          from messages m
         where m.app_id = ${appId} and m.channel_id = ${channelId} and m.user_id = ${userId} and m.seq > ${page.afterSeq}
         order by m.seq limit ${page.limit}`);
      return found.map((row) => ({
        id: row.id,
        channelId: row.channel_id,
        seq: Number(row.seq),
        text: row.text,
        attachments: row.attachments,
        metadata: row.metadata,
        parentId: row.parent_id,
        clientId: row.client_id,
        reactionCounts: row.reaction_counts,
        createdAt: dateFromText(row.created_at),
        updatedAt: dateFromText(row.updated_at),
        deletedAt: dateOrNullFromText(row.deleted_at),
        editedAt: dateOrNullFromText(row.edited_at),
      }));
    },

    /** A page of the user's reactions (removed ones too), in (message, type) order. */
    async reactions(
      appId: AppId,
      userId: string,
      page: { after: { messageId: string; type: string } | null; limit: number },
    ): Rows<ExportedReactionRecord> {
      const found = await rows<{ message_id: string; channel_id: string; type: string; created_at: string; removed_at: string | null }>(sql`
        select r.message_id, m.channel_id, r.type, r.created_at, r.removed_at
          from reactions r join messages m on m.id = r.message_id
         where r.app_id = ${appId} and r.user_id = ${userId}
               ${page.after ? sql`and (r.message_id, r.type) > (${page.after.messageId}::uuid, ${page.after.type})` : sql``}
         order by r.message_id, r.type limit ${page.limit}`);
      return found.map((row) => ({
        messageId: row.message_id,
        channelId: row.channel_id,
        type: row.type,
        createdAt: dateFromText(row.created_at),
        removedAt: dateOrNullFromText(row.removed_at),
      }));
    },

    /** Single tokens of the user revoked by jti (kept until they would have expired). */
    async revokedTokens(appId: AppId, userId: string, page: { afterJti: string | null; limit: number }): Rows<{ jti: string; expiresAt: Date }> {
      const found = await rows<{ jti: string; expires_at: string }>(sql`
        select jti, expires_at from revoked_tokens
         where app_id = ${appId} and user_id = ${userId} ${page.afterJti ? sql`and jti > ${page.afterJti}` : sql``}
         order by jti limit ${page.limit}`);
      return found.map((row) => ({ jti: row.jti, expiresAt: dateFromText(row.expires_at) }));
    },

    /**
     * Erasure, step 1: takes the user out of up to `limit` channels, each one's member_count in
     * the same transaction (channel rows locked in id order, as no other transaction locks two),
     * logging `left` in each channel's changes (its payload gets the channel's id as `channelId`).
     * An erased owner leaves even as the last one: the app's admins still moderate the channel.
     * @returns the channels left, with the version of each departure.
     */
    async removeMemberships(appId: AppId, userId: string, limit: number, left: ChannelEventEntry): Promise<{ channelId: string; version: number }[]> {
      return db.transaction(async (tx) => {
        const locked = (await tx.execute(sql`
          select c.id from channels c
           where c.id in (select channel_id from channel_members where app_id = ${appId} and user_id = ${userId}
                           order by channel_id limit ${limit})
           order by c.id for no key update`)) as unknown as { id: string }[];
        if (locked.length === 0) return [];
        const removed = (await tx.execute(sql`
          with removed as (
            delete from channel_members
             where app_id = ${appId} and user_id = ${userId} and channel_id in ${uuidList(locked.map((row) => row.id))}
            returning channel_id
          ), counted as (
            update channels set member_count = member_count - 1, history_version = history_version + 1
             where id in (select channel_id from removed)
            returning id, app_id, history_version
          )${logEventsOf('counted', left, sql`${JSON.stringify(left.payload)}::jsonb || jsonb_build_object('channelId', id)`)}`)) as unknown as {
          channel_id: string;
          version: string;
        }[];
        return removed.map((row) => ({ channelId: row.channel_id, version: Number(row.version) }));
      });
    },

    /**
     * Erasure, step 2: deletes the user's reactions (tombstones too) on up to `limit` messages and
     * recounts those messages' reaction counts, moving their channels' history versions, in one
     * transaction that locks the channels first, as the worker's recount does.
     * @returns how many messages lost reactions (fewer than `limit`: none are left).
     */
    async removeReactions(appId: AppId, userId: string, limit: number): Promise<number> {
      return db.transaction(async (tx) => {
        const picked = (await tx.execute(sql`
          select distinct message_id from reactions where app_id = ${appId} and user_id = ${userId}
           order by message_id limit ${limit}`)) as unknown as { message_id: string }[];
        if (picked.length === 0) return 0;
        const messageIds = uuidList(picked.map((row) => row.message_id));
        await tx.execute(sql`
          select id from channels where id in (select channel_id from messages where id in ${messageIds}) order by id for update`);
        await tx.execute(sql`
          with removed as (
            delete from reactions where user_id = ${userId} and message_id in ${messageIds}
            returning message_id, removed_at is null as was_live
          )
          -- Pages list live reactions by user: stale now, even where a count does not move (one not yet recounted).
          update channels set history_version = history_version + 1
           where id in (select channel_id from messages where id in (select message_id from removed where was_live))`);
        await tx.execute(recountReactionsStatement(messageIds));
        return picked.length;
      });
    },

    /**
     * Erasure, step 3: turns up to `limit` of the user's messages in the channel into tombstones
     * (no text, attachments, metadata or client id; deleted; seq kept, so histories stay gap-free)
     * and corrects the channel's message_count and last_message_at and moves its history version,
     * in one transaction that locks the channel row first, as sends and deletes do. Only messages
     * after `afterSeq` are looked at: each batch starts where the one before ended, so a million
     * messages are read once, not once per batch.
     * @returns how many were erased (fewer than `limit`: none are left after `afterSeq`), and the
     * seq of the last one.
     */
    async eraseMessages(
      appId: AppId,
      userId: string,
      channelId: string,
      batch: { afterSeq: number; limit: number },
    ): Promise<{ erased: number; lastSeq: number }> {
      return db.transaction(async (tx) => {
        await tx.execute(sql`select 1 from channels where id = ${channelId} and app_id = ${appId} for update`);
        const [row] = (await tx.execute(sql`
          with batch as (
            select m.id, m.deleted_at is null as was_live, row_number() over (order by m.seq) as n from messages m
             where m.app_id = ${appId} and m.channel_id = ${channelId} and m.user_id = ${userId}
               and m.seq > ${batch.afterSeq} and ${NOT_ERASED}
             order by m.seq limit ${batch.limit}
          ), erased as (
            update messages m
               set text = null, attachments = '[]'::jsonb, metadata = '{}'::jsonb, client_id = null,
                   pinned_at = null, pinned_by = null,
                   deleted_at = coalesce(m.deleted_at, now()), updated_at = now(),
                   change_version = ${nthChangeVersion(sql`${channelId}`, sql`b.n`)}
              from batch b where m.id = b.id
            returning m.id, m.seq, m.created_at, m.parent_id, b.was_live
          ), counted as (
            update channels c
               set message_count = c.message_count - (select count(*) from erased where was_live),
                   -- Each erased message is a change of its own.
                   history_version = c.history_version + (select count(*) from erased),
                   -- This statement's snapshot still shows the batch live: skip it.
                   last_message_at = case when c.last_message_at in (select created_at from erased where was_live)
                     then (select m.created_at from messages m
                            where m.channel_id = c.id and m.deleted_at is null
                              and not exists (select 1 from erased e where e.id = m.id)
                            order by m.seq desc limit 1)
                     else c.last_message_at end
             where c.id = ${channelId} and exists (select 1 from erased)
          )
          select count(*)::int as erased, max(seq) as last_seq,
                 coalesce(jsonb_agg(distinct parent_id) filter (where was_live and parent_id is not null), '[]'::jsonb) as parents
            from erased`)) as unknown as { erased: number; last_seq: string | null; parents: string[] }[];
        // Erased replies no longer count on their threads' parents (a statement of its own: a parent
        // may be in the batch just updated).
        if (row!.parents.length > 0) {
          await tx.execute(recountRepliesStatement(sql`(${sql.join(row!.parents.map((id) => sql`${id}`), sql`, `)})`));
        }
        return { erased: row!.erased, lastSeq: row!.last_seq === null ? batch.afterSeq : Number(row!.last_seq) };
      });
    },

    /**
     * Erasure, last step: wipes the profile (display name, avatar, metadata; the external id
     * becomes `erasedExternalId`, freeing the tenant's id), forgets the user's revoked jtis (no token
     * of theirs is good again) and marks them erased — the row stays, the anonymous author of the
     * tombstones. Renaming bumps the app's profile version: history pages show authors' ids.
     * @returns the user after, undefined when not in this app.
     */
    async wipeProfile(appId: AppId, userId: string, erasedExternalId: string): Promise<UserRecord | undefined> {
      if (!isUuid(userId)) return undefined;
      return db.transaction(async (tx) => {
        const wiped = { displayName: null, avatarUrl: null, externalId: erasedExternalId };
        await tx.execute(changeProfileStatement(appId, { id: userId }, wiped)!);
        await tx.execute(sql`delete from revoked_tokens where app_id = ${appId} and user_id = ${userId}`);
        const [row] = await tx
          .update(users)
          .set({
            metadata: {},
            deactivatedAt: sql`coalesce(${users.deactivatedAt}, now())`,
            erasedAt: sql`coalesce(${users.erasedAt}, now())`,
            updatedAt: new Date(),
          })
          .where(and(eq(users.appId, appId), eq(users.id, userId)))
          .returning();
        // The erasure is a user.deleted webhook event, once: when this transaction set erased_at.
        if (row) await recordUserDeleted(tx, userId, sql`u.erased_at = now()`);
        return row;
      });
    },
  };
}

export type UserDataRepository = ReturnType<typeof createUserDataRepository>;
