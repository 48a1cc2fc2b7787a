/** The Socket.IO contract: every event, its payload and its acknowledgement (docs/events.md). */
import type { ErrorCode } from './errors.ts';
import type { Attachment, JsonObject, Message } from './rest.ts';

/** Failure acknowledgement of any client event. */
export interface AckError {
  error: string;
  code: ErrorCode;
  errorId?: string;
}

export type Ack<T> = (response: T | AckError) => void;

export interface SendMessagePayload {
  channelId: string;
  text?: string | null;
  attachments?: Attachment[];
  metadata?: JsonObject;
  parentId?: string | null;
  /** Idempotency key: a retry with the same key acknowledges the original message. */
  clientId?: string;
}

export interface ChannelPayload {
  channelId: string;
}

export interface ReactionPayload {
  messageId: string;
  type: string;
}

export interface SyncPayload {
  channelId: string;
  /** The last seq the client holds; 0 for "from the start". */
  afterSeq: number;
  /** @defaultValue 100 (max 100) */
  limit?: number;
}

export interface SyncResult {
  /** Messages with seq > afterSeq in seq order; deleted ones as tombstones (deleted_at set, no content). */
  messages: Message[];
  /** More messages follow: ask again with the last seq received. */
  hasMore: boolean;
  /** The channel's newest seq when the page was read. */
  lastSeq: number;
}

export interface ReadPayload {
  channelId: string;
  /** Read up to this seq; omitted: up to the newest message. */
  seq?: number;
}

export interface ReadState {
  channelId: string;
  lastReadSeq: number;
  unreadCount: number;
}

export interface ClientToServerEvents {
  'message.send': (payload: SendMessagePayload, ack?: Ack<{ message: Message }>) => void;
  'typing.start': (payload: ChannelPayload, ack?: Ack<{ success: true }>) => void;
  'typing.stop': (payload: ChannelPayload, ack?: Ack<{ success: true }>) => void;
  'channel.join': (payload: ChannelPayload, ack?: Ack<{ success: true }>) => void;
  'reaction.add': (payload: ReactionPayload, ack?: Ack<{ success: true }>) => void;
  'reaction.remove': (payload: ReactionPayload, ack?: Ack<{ success: true }>) => void;
  'channel.read': (payload: ReadPayload, ack?: Ack<ReadState>) => void;
  'messages.sync': (payload: SyncPayload, ack?: Ack<SyncResult>) => void;
}

export interface TypingEvent {
  channelId: string;
  userId: string;
  externalId: string;
}

export interface PresenceEvent {
  userId: string;
  externalId: string;
  status: 'online' | 'offline';
}

export interface ReactionEvent {
  messageId: string;
  /** Added for routing on the client; the seed's payload has the other four fields. */
  channelId: string;
  userId: string;
  externalId: string;
  type: string;
}

export interface MemberJoinedEvent {
  channelId: string;
  userId: string;
  externalId: string;
}

export interface MessageDeletedEvent {
  messageId: string;
  channelId: string;
  seq: number;
  deletedAt: string;
}

export interface ServerToClientEvents {
  'message.new': (message: Message) => void;
  'message.deleted': (event: MessageDeletedEvent) => void;
  'typing.start': (event: TypingEvent) => void;
  'typing.stop': (event: TypingEvent) => void;
  'presence.changed': (event: PresenceEvent) => void;
  'reaction.new': (event: ReactionEvent) => void;
  'reaction.deleted': (event: ReactionEvent) => void;
  /** To the reader's own connections: keeps a user's devices in sync. */
  'channel.read': (event: ReadState & { userId: string }) => void;
  'member.joined': (event: MemberJoinedEvent) => void;
}

export type ServerEventName = keyof ServerToClientEvents;
export type ServerEventPayload<E extends ServerEventName> = Parameters<ServerToClientEvents[E]>[0];

/** Room of a channel's members (the seed's name). */
export const channelRoom = (channelId: string) => `channel:${channelId}`;
/** Room of all of one user's connections, on every gateway. */
export const userRoom = (userId: string) => `user:${userId}`;
