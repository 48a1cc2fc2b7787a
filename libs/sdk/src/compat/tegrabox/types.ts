/**
 * The shapes of @tegrabox/chat-sdk, as its README names them, filled from Heyyo's: a Room is a
 * channel, `content` is a message's `text`, `username` is a user's external id.
 */
import type { JsonObject, MemberRole } from '@heyyo/contracts';
import type { Paginated } from '../../http.ts';

/** A user. `id` is Heyyo's internal id: what `created_by`, `user_id` and `generateToken` take. */
export interface ChatUser {
  id: string;
  /** Heyyo's `external_id`: your id for the user, unique in your app, fixed once created. */
  username: string;
  /** Kept in the user's Heyyo `metadata.external_user_id`. */
  external_user_id: string | null;
  display_name: string | null;
  avatar_url: string | null;
  /** Kept in the user's Heyyo `metadata.email`. */
  email: string | null;
  /**
   * `metadata.status` as you set it (`'active'` when never set); `'deactivated'` once
   * `users.delete()` deactivated the user, whatever was set.
   */
  status: string;
  created_at: string;
  updated_at: string;
}

export interface CreateUserInput {
  username: string;
  external_user_id?: string;
  display_name?: string;
  email?: string;
  avatar_url?: string;
  status?: string;
}

/** Omitted fields stay; null clears. `username` cannot change (it is the user's Heyyo external id). */
export interface UpdateUserInput {
  display_name?: string | null;
  avatar_url?: string | null;
  email?: string | null;
  external_user_id?: string | null;
  status?: string;
}

/** A member of a room, as `rooms.get()` lists them. */
export interface RoomMember {
  user_id: string;
  username: string;
  display_name: string | null;
  avatar_url: string | null;
  role: MemberRole;
  is_online: boolean;
  joined_at: string;
}

/** A room: a Heyyo channel. */
export interface Room {
  id: string;
  name: string;
  description: string | null;
  /** Heyyo's channel type, `'messaging'` unless created otherwise. */
  type: string;
  /** Internal id of the creator; null in a list read with a user token (Heyyo's user list omits it). */
  created_by: string | null;
  metadata: JsonObject;
  /** In `list()` and `get()` answers. */
  member_count?: number;
  message_count?: number;
  last_message_at?: string | null;
  /** In `get()` answers. */
  members?: RoomMember[];
  created_at: string;
  updated_at: string;
}

export interface CreateRoomInput {
  name: string;
  /** Internal id of the user who creates the room: its owner, and its first member. Ignored with a user token: the token's user creates. */
  created_by: string;
  description?: string;
  type?: string;
  metadata?: JsonObject;
  /** Internal ids of more members. */
  members?: string[];
}

export interface UpdateRoomInput {
  name?: string;
  description?: string | null;
  metadata?: JsonObject;
}

/** A message. */
export interface Message {
  id: string;
  /** The channel's id. */
  room_id: string;
  /** The author's internal id. */
  user_id: string;
  /** The author's external id. */
  username: string;
  display_name: string | null;
  /** Heyyo's `text`; null for a message of attachments only. */
  content: string | null;
  /** The message's position in its room: 1, 2, 3 … without gaps. */
  seq: number;
  created_at: string;
  updated_at: string;
  edited_at: string | null;
}

export interface CreateMessageInput {
  content: string;
  /** Internal id of the author, a member of the room. Ignored with a user token: the token's user writes. */
  user_id: string;
}

export interface PaginationParams {
  /** @defaultValue 1 */
  page?: number;
  /** Users 50, rooms 20, messages 50 when omitted. */
  limit?: number;
}

/** `{ items, page, limit, total, totalPages }`: the native SDK's pages have tegrabox's shape. */
export type PaginatedResponse<T> = Paginated<T>;

/** What `users.generateToken()` answers. */
export interface TokenResponse {
  token: string;
  /** Seconds until the token expires. */
  expires_in: number;
  /** The user's internal id. */
  user_id: string;
}

/** What `auth.verify()` answers for a valid token. */
export interface AuthInfo {
  valid: true;
  user: {
    /** The internal id (what `users.get()` takes). */
    userId: string;
    username: string;
    appId: string;
    role: 'user' | 'admin';
  };
  /** When the token expires (ISO 8601). */
  expiresAt: string;
}

/** `onUserJoined`, `onUserLeft`, `onUserTyping`, `onUserStoppedTyping`. */
export interface RoomUserEvent {
  room_id: string;
  user_id: string;
  username: string;
}
