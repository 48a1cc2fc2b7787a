/** Wire shapes of the REST API (docs/api.md). Timestamps are ISO 8601 strings. */

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

export interface HealthResponse {
  status: 'ok';
  version: string;
  /** Seconds since the process started. */
  uptime: number;
}

export interface CreateAppRequest {
  name: string;
}

export interface AppSummary {
  id: string;
  name: string;
  api_key: string;
  created_at: string;
}

export interface CreatedApp extends AppSummary {
  /** Returned once, at creation; only its hash is stored. */
  api_secret: string;
  message: string;
}

export interface TokenRequest {
  api_key: string;
  api_secret: string;
  /** Your own user id (the "external id"). */
  user_id: string;
  display_name?: string | null;
  avatar_url?: string | null;
  /** Lifetime in seconds (60 up to the server's maximum, 24 h by default); the server default when omitted. */
  ttl?: number;
}

export interface TokenResponse {
  token: string;
  /** Seconds until the token expires. */
  expires_in: number;
  /** The internal user UUID, used in `members` and `user_id` fields. */
  user_id: string;
}

/** A user as the server-side API (X-API-Key) shows it. */
export interface User {
  id: string;
  external_id: string;
  display_name: string | null;
  avatar_url: string | null;
  created_at: string;
  updated_at: string;
}

export interface UpsertUserRequest {
  user_id: string;
  display_name?: string | null;
  avatar_url?: string | null;
}

export interface CreateChannelRequest {
  name: string;
  type?: string;
  description?: string | null;
  metadata?: JsonObject;
  /** Internal user UUIDs to add besides the creator. */
  members?: string[];
}

export interface Channel {
  id: string;
  app_id: string;
  type: string;
  name: string;
  description: string | null;
  metadata: JsonObject;
  created_by: string;
  created_at: string;
  updated_at: string;
}

export interface ChannelListItem {
  id: string;
  name: string;
  type: string;
  description: string | null;
  metadata: JsonObject;
  role: MemberRole;
  member_count: number;
  message_count: number;
  last_message_at: string | null;
  /** The caller's read position and unread messages (not their own, not deleted). */
  last_read_seq: number;
  unread_count: number;
  /** The channel's newest seq. */
  last_seq: number;
  created_at: string;
  updated_at: string;
}

export interface MarkReadRequest {
  /** Read up to this seq; omitted: up to the newest message. */
  seq?: number;
}

export interface MarkReadResponse {
  message: string;
  last_read_seq: number;
  unread_count: number;
}

export interface DiscoverChannel {
  id: string;
  name: string;
  type: string;
  description: string | null;
  member_count: number;
  is_member: boolean;
  created_at: string;
}

export type MemberRole = 'owner' | 'member';

export interface ChannelMember {
  id: string;
  external_id: string;
  display_name: string | null;
  avatar_url: string | null;
  is_online: boolean;
  role: MemberRole;
  joined_at: string;
}

export interface ChannelDetails extends Channel {
  member_count: number;
  message_count: number;
  last_message_at: string | null;
  members: ChannelMember[];
}

export interface AddMemberRequest {
  user_id: string;
}

export interface Attachment {
  type: string;
  url?: string;
  [key: string]: Json | undefined;
}

export interface SendMessageRequest {
  text?: string | null;
  attachments?: Attachment[];
  metadata?: JsonObject;
  parent_id?: string | null;
  /** Idempotency key: a retry with the same key returns the original message. */
  client_id?: string;
}

export interface MessageUser {
  external_id: string;
  display_name: string | null;
  avatar_url: string | null;
}

export interface Message {
  id: string;
  channel_id: string;
  user_id: string;
  /** Position in the channel: 1, 2, 3 … with no gaps, in send order. */
  seq: number;
  text: string | null;
  attachments: Attachment[];
  metadata: JsonObject;
  parent_id: string | null;
  client_id: string | null;
  created_at: string;
  updated_at: string;
  deleted_at: string | null;
  user: MessageUser;
}

export interface ReactionEntry {
  type: string;
  user_id: string;
  count: number;
}

/** A message as listed: user fields flattened (seed shape) plus aggregated reactions. */
export interface ListedMessage extends Omit<Message, 'user'> {
  user_external_id: string;
  user_display_name: string | null;
  user_avatar_url: string | null;
  reactions: ReactionEntry[];
  /** Reactions per type, e.g. `{ ":heart:": 2 }`. */
  reaction_counts: Record<string, number>;
}

export interface ListMessagesQuery {
  limit?: number;
  /** ISO timestamp: only messages created strictly before it. */
  before?: string;
}

export interface AddReactionRequest {
  type: string;
}

export interface MessageResponse {
  message: string;
}
