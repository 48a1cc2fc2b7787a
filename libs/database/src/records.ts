/** Rows as repositories return them (camelCase, Dates). */

export interface AppRecord {
  id: string;
  name: string;
  apiKey: string;
  apiSecretHash: string;
  createdAt: Date;
}

export interface UserRecord {
  id: string;
  appId: string;
  externalId: string;
  displayName: string | null;
  avatarUrl: string | null;
  metadata: Record<string, unknown>;
  tokensValidAfter: Date | null;
  /** Set while the user is deactivated (soft-deleted). */
  deactivatedAt: Date | null;
  /** Set once the user was erased (hard-deleted); they stay deactivated. */
  erasedAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

export type MemberRole = 'owner' | 'moderator' | 'member';

export interface ChannelRecord {
  id: string;
  appId: string;
  type: string;
  name: string;
  description: string | null;
  metadata: Record<string, unknown>;
  createdBy: string;
  lastSeq: number;
  lastSeqAt: Date | null;
  lastMessageAt: Date | null;
  memberCount: number;
  messageCount: number;
  /** One message per member per this many seconds (0: off). */
  slowModeSeconds: number;
  createdAt: Date;
  updatedAt: Date;
}

/**
 * Until when (ms since the epoch; Infinity: until lifted) each restriction on a user in a channel
 * applies; null: none. Expired ones read as null.
 */
export interface Restrictions {
  mutedUntilMs: number | null;
  bannedUntilMs: number | null;
  appBannedUntilMs: number | null;
}

export interface MemberRecord {
  userId: string;
  externalId: string;
  displayName: string | null;
  avatarUrl: string | null;
  role: MemberRole;
  joinedAt: Date;
}

export interface MessageAuthor {
  externalId: string;
  displayName: string | null;
  avatarUrl: string | null;
}

export interface MessageRecord {
  id: string;
  appId: string;
  channelId: string;
  userId: string;
  seq: number;
  text: string | null;
  attachments: Record<string, unknown>[];
  metadata: Record<string, unknown>;
  parentId: string | null;
  clientId: string | null;
  createdAt: Date;
  updatedAt: Date;
  deletedAt: Date | null;
  editedAt: Date | null;
  /** Per type, as the worker last counted them. */
  reactionCounts: Record<string, number>;
  /** Live replies to it, and when the newest of them was sent (null: none). */
  replyCount: number;
  lastReplyAt: Date | null;
  /** When it was pinned and by whom (internal user id); null while not pinned. */
  pinnedAt: Date | null;
  pinnedBy: string | null;
  /** The channel version of its last change after it was stored (null: never changed). */
  changeVersion: number | null;
  author: MessageAuthor;
}

/** A member's read position in a channel. */
export interface ReadStateRecord {
  lastReadSeq: number;
  unreadCount: number;
}

