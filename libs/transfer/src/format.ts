/**
 * The NDJSON export format, version 2: one JSON object per line, each with a `kind`. The first
 * line is the header; the kinds then follow in KIND_ORDER (every line of a kind before any line
 * of a later kind), so each line refers only to rows of earlier lines or already stored ones.
 * Field names are the REST API's (snake_case); timestamps are ISO 8601 with microseconds.
 * Version 2 added the bans and mutes (`app_ban`, `restriction`); a version 1 file is a version 2
 * file without them.
 */

export const FORMAT_NAME = 'heyyo-ndjson';
export const FORMAT_VERSION = 2;

/** The order kinds appear in: a reference always points back (a message to its channel, a reply to its parent). */
export const KIND_ORDER = ['header', 'app', 'user', 'app_ban', 'channel', 'member', 'restriction', 'message', 'reaction', 'read_state'] as const;
export type Kind = (typeof KIND_ORDER)[number];

export interface HeaderLine {
  kind: 'header';
  format: typeof FORMAT_NAME;
  version: number;
  app_id: string;
  exported_at: string;
}

/** The source app: no api_key, no secret hash (credentials stay with the server that issued them). */
export interface AppLine {
  kind: 'app';
  id: string;
  name: string;
  created_at: string;
}

export interface UserLine {
  kind: 'user';
  id: string;
  external_id: string;
  display_name: string | null;
  avatar_url: string | null;
  metadata: Record<string, unknown>;
  deactivated_at: string | null;
  erased_at: string | null;
  created_at: string;
  updated_at: string;
}

export interface ChannelLine {
  kind: 'channel';
  id: string;
  type: string;
  name: string;
  description: string | null;
  metadata: Record<string, unknown>;
  created_by: string;
  slow_mode_seconds: number;
  deleted_at: string | null;
  created_at: string;
  updated_at: string;
}

export interface MemberLine {
  kind: 'member';
  channel_id: string;
  user_id: string;
  role: 'owner' | 'moderator' | 'member';
  joined_at: string;
}

/** Deleted messages stay as tombstones: seqs are 1, 2, 3… per channel without gaps. */
export interface MessageLine {
  kind: 'message';
  id: string;
  channel_id: string;
  user_id: string;
  seq: number;
  text: string | null;
  attachments: Record<string, unknown>[];
  metadata: Record<string, unknown>;
  parent_id: string | null;
  client_id: string | null;
  created_at: string;
  updated_at: string;
  deleted_at: string | null;
  edited_at: string | null;
  pinned_at: string | null;
  pinned_by: string | null;
}

/** Removed reactions stay as tombstones (removed_at), with the version that orders changes. */
export interface ReactionLine {
  kind: 'reaction';
  message_id: string;
  user_id: string;
  type: string;
  created_at: string;
  version: number;
  removed_at: string | null;
}

export interface ReadStateLine {
  kind: 'read_state';
  channel_id: string;
  user_id: string;
  last_read_seq: number;
}

/** An app-wide ban (`POST /api/users/:id/ban`): the user reads but writes nowhere in the app. */
export interface AppBanLine {
  kind: 'app_ban';
  user_id: string;
  reason: string | null;
  created_at: string;
  /** null: until lifted. */
  expires_at: string | null;
}

/** A ban or a mute in one channel, as `GET …/bans` and `…/mutes` list them. */
export interface RestrictionLine {
  kind: 'restriction';
  channel_id: string;
  user_id: string;
  type: 'ban' | 'mute';
  reason: string | null;
  /** The moderator; null when the app's backend set it. */
  created_by: string | null;
  created_at: string;
  /** null: until lifted. */
  expires_at: string | null;
}

export type DataLine = UserLine | AppBanLine | ChannelLine | MemberLine | RestrictionLine | MessageLine | ReactionLine | ReadStateLine;
export type AnyLine = HeaderLine | AppLine | DataLine;
