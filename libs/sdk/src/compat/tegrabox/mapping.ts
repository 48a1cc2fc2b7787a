/** Heyyo's wire shapes → tegrabox's, and tegrabox's inputs → Heyyo's request bodies. */
import type {
  Channel,
  ChannelDetails,
  ChannelListItem,
  JsonObject,
  ListedMessage,
  Message as HeyyoMessage,
  User,
  VerifyResponse,
} from '@heyyo/contracts';
import type { AuthInfo, ChatUser, CreateUserInput, Message, PaginatedResponse, Room, RoomUserEvent, UpdateUserInput } from './types.ts';

/** The tegrabox user fields Heyyo has no column for: kept under these keys of the user's `metadata`. */
export const METADATA_FIELDS = ['external_user_id', 'email', 'status'] as const;
type MetadataField = (typeof METADATA_FIELDS)[number];

const stringOrNull = (value: unknown): string | null => (typeof value === 'string' ? value : null);

export function toChatUser(user: User): ChatUser {
  return {
    id: user.id,
    username: user.external_id,
    external_user_id: stringOrNull(user.metadata.external_user_id),
    display_name: user.display_name,
    avatar_url: user.avatar_url,
    email: stringOrNull(user.metadata.email),
    status: user.deactivated_at ? 'deactivated' : (stringOrNull(user.metadata.status) ?? 'active'),
    created_at: user.created_at,
    updated_at: user.updated_at,
  };
}

/** The tegrabox metadata fields `input` gives (null included: it removes one). */
export const metadataFieldsOf = (input: CreateUserInput | UpdateUserInput): MetadataField[] =>
  METADATA_FIELDS.filter((field) => (input as Partial<Record<MetadataField, unknown>>)[field] !== undefined);

/**
 * The user's metadata with the tegrabox fields of `input` written in (null removes one), or
 * undefined when `input` names none — so a create or update without them sends no PATCH.
 */
export function mergeUserMetadata(current: JsonObject, input: CreateUserInput | UpdateUserInput): JsonObject | undefined {
  const given = metadataFieldsOf(input);
  if (given.length === 0) return undefined;
  const merged: JsonObject = { ...current };
  for (const field of given) {
    const value = (input as Partial<Record<MetadataField, string | null>>)[field];
    if (value === null) delete merged[field];
    else merged[field] = value as string;
  }
  return merged;
}

/** A channel in any of Heyyo's shapes: created, listed (with a user token or server credentials), or with its members. */
type AnyChannel = Channel | ChannelDetails | ChannelListItem | (Channel & Partial<ChannelListItem>);

export function toRoom(channel: AnyChannel): Room {
  const room: Room = {
    id: channel.id,
    name: channel.name,
    description: channel.description,
    type: channel.type,
    created_by: 'created_by' in channel ? channel.created_by : null,
    metadata: channel.metadata,
    created_at: channel.created_at,
    updated_at: channel.updated_at,
  };
  if ('member_count' in channel && channel.member_count !== undefined) room.member_count = channel.member_count;
  if ('message_count' in channel && channel.message_count !== undefined) room.message_count = channel.message_count;
  if ('last_message_at' in channel && channel.last_message_at !== undefined) room.last_message_at = channel.last_message_at;
  if ('members' in channel) {
    room.members = channel.members.map((member) => ({
      user_id: member.id,
      username: member.external_id,
      display_name: member.display_name,
      avatar_url: member.avatar_url,
      role: member.role,
      is_online: member.is_online,
      joined_at: member.joined_at,
    }));
  }
  return room;
}

/** A message as sent or broadcast (author nested under `user`) or as listed (author flattened). */
export function toMessage(message: HeyyoMessage | ListedMessage): Message {
  const author =
    'user' in message
      ? message.user
      : { external_id: message.user_external_id, display_name: message.user_display_name };
  return {
    id: message.id,
    room_id: message.channel_id,
    user_id: message.user_id,
    username: author.external_id,
    display_name: author.display_name,
    content: message.text,
    seq: message.seq,
    created_at: message.created_at,
    updated_at: message.updated_at,
    edited_at: message.edited_at,
  };
}

export function toRoomUserEvent(event: { channelId: string; userId: string; externalId: string }): RoomUserEvent {
  return { room_id: event.channelId, user_id: event.userId, username: event.externalId };
}

export function toAuthInfo(verified: VerifyResponse): AuthInfo {
  return {
    valid: true,
    user: { userId: verified.user_id, username: verified.external_id, appId: verified.app_id, role: verified.role },
    expiresAt: new Date(verified.exp * 1000).toISOString(),
  };
}

/** A tegrabox page (1-based `page`, `limit`) as the `limit` + `offset` every Heyyo list takes. */
export function pageWindow(params: { page?: number; limit?: number }, defaultLimit: number) {
  const page = Math.max(1, Math.floor(params.page ?? 1));
  const limit = Math.max(1, Math.floor(params.limit ?? defaultLimit));
  return { page, limit, offset: (page - 1) * limit };
}

/**
 * A tegrabox page of `items`, its total from Heyyo's `X-Total-Count`. A server without that
 * header (older than the server API) counts what this page proves: the items up to its end,
 * and one more when the page is full.
 */
export function paginated<T>(items: T[], window: { page: number; limit: number }, totalCount: string | null): PaginatedResponse<T> {
  const counted = totalCount === null ? Number.NaN : Number(totalCount);
  const seen = (window.page - 1) * window.limit + items.length;
  const total = Number.isInteger(counted) && counted >= 0 ? counted : seen + (items.length === window.limit ? 1 : 0);
  return { items, page: window.page, limit: window.limit, total, totalPages: Math.ceil(total / window.limit) };
}
