/**
 * The Socket.IO contract: every client event with its payload and acknowledgement, and
 * every server event with its payload. The gateway validates with these schemas, the
 * AsyncAPI document (`GET /asyncapi.json`) is generated from them, and docs/events.md
 * is their readable catalogue.
 */
import { Type, type Static, type TSchema } from '@sinclair/typebox';
import { ErrorBody } from './error-body.ts';
import { Message, messageContentFields } from './rest/messages.ts';
import { Channel, MemberRole } from './rest/channels.ts';
import { ClientMessageId, Id, Nullable, OneOf, ReactionType, SeqInput, Strict, Timestamp, Uuid } from './schema.ts';

/** Largest page one `messages.sync` returns. */
export const MAX_SYNC_PAGE = 100;

export const SendMessagePayload = Strict(
  {
    channelId: Id,
    ...messageContentFields,
    parentId: Type.Optional(Nullable(Id)),
    clientId: Type.Optional(ClientMessageId),
  },
  { title: 'SendMessagePayload', examples: [{ channelId: '0b6f2a51-5c44-4f7e-9d2a-6a3f0d0b8a11', text: 'Hello from WebSocket' }] },
);
export type SendMessagePayload = Static<typeof SendMessagePayload>;

export const EditMessagePayload = Strict(
  {
    channelId: Id,
    messageId: Id,
    text: Type.String(),
    attachments: messageContentFields.attachments,
    metadata: messageContentFields.metadata,
  },
  { title: 'EditMessagePayload', examples: [{ channelId: '0b6f2a51-5c44-4f7e-9d2a-6a3f0d0b8a11', messageId: '5d0c8e9e-2f6b-4d7a-9a43-2c3f4b1f0e21', text: 'Hello, edited' }] },
);
export type EditMessagePayload = Static<typeof EditMessagePayload>;

export const ChannelPayload = Strict({ channelId: Id }, { title: 'ChannelPayload' });
export type ChannelPayload = Static<typeof ChannelPayload>;

export const ReactionPayload = Strict({ messageId: Id, type: ReactionType }, { title: 'ReactionPayload' });
export type ReactionPayload = Static<typeof ReactionPayload>;

/** Largest channel version a client may name (Postgres bigint). */
const MAX_VERSION = Number.MAX_SAFE_INTEGER;

/** The channel version a change was made at (see messages.sync). */
const ChangeVersion = Type.Integer({
  minimum: 1,
  description: "The channel version of this change: messages.sync with afterVersion returns the changes after it.",
});

export const SyncPayload = Strict(
  {
    channelId: Id,
    afterSeq: SeqInput('The last seq the client holds; 0 for "from the start".'),
    afterVersion: Type.Optional(
      Type.Integer({
        minimum: 0,
        maximum: MAX_VERSION,
        description:
          'The channel version the client is up to date with (the `version` of its last sync). Given: the changes ' +
          'after it to the messages it holds (seq ≤ afterSeq) and to the channel come first. Omitted: no changes, only the version.',
      }),
    ),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_SYNC_PAGE, default: MAX_SYNC_PAGE })),
  },
  { title: 'SyncPayload' },
);
export type SyncPayload = Static<typeof SyncPayload>;

/** `GET /api/channels/:id/sync`: messages.sync over REST, its fields as REST names them. */
export const SyncQuery = Strict(
  {
    after_seq: SyncPayload.properties.afterSeq,
    after_version: SyncPayload.properties.afterVersion,
    limit: SyncPayload.properties.limit,
  },
  { title: 'SyncQuery' },
);
export type SyncQuery = Static<typeof SyncQuery>;

export const ReadPayload = Strict(
  { channelId: Id, seq: Type.Optional(SeqInput('Read up to this seq; omitted: up to the newest.')) },
  { title: 'ReadPayload' },
);
export type ReadPayload = Static<typeof ReadPayload>;

export const ReadState = Strict(
  { channelId: Uuid, lastReadSeq: Type.Integer(), unreadCount: Type.Integer() },
  { title: 'ReadState' },
);
export type ReadState = Static<typeof ReadState>;

export const Success = Strict({ success: Type.Literal(true) }, { title: 'Success' });
export type Success = Static<typeof Success>;

export const SentMessage = Strict({ message: Message }, { title: 'SentMessage' });
export type SentMessage = Static<typeof SentMessage>;

export const TypingEvent = Strict({ channelId: Uuid, userId: Uuid, externalId: Type.String() }, { title: 'TypingEvent' });
export type TypingEvent = Static<typeof TypingEvent>;

export const PresenceEvent = Strict(
  { userId: Uuid, externalId: Type.String(), status: Type.Union([Type.Literal('online'), Type.Literal('offline')]) },
  { title: 'PresenceEvent' },
);
export type PresenceEvent = Static<typeof PresenceEvent>;

export const ReactionEvent = Strict(
  {
    messageId: Uuid,
    channelId: Type.String({ format: 'uuid', description: "Added for routing on the client; the seed's payload has the other four fields." }),
    userId: Uuid,
    externalId: Type.String(),
    type: Type.String(),
    version: ChangeVersion,
  },
  { title: 'ReactionEvent' },
);
export type ReactionEvent = Static<typeof ReactionEvent>;

/** Which member of which channel a member.* event is about. */
const memberEventFields = { channelId: Uuid, userId: Uuid, externalId: Type.String(), version: ChangeVersion };

export const MemberJoinedEvent = Strict(memberEventFields, { title: 'MemberJoinedEvent' });
export type MemberJoinedEvent = Static<typeof MemberJoinedEvent>;

export const MemberLeftEvent = Strict(memberEventFields, { title: 'MemberLeftEvent' });
export type MemberLeftEvent = Static<typeof MemberLeftEvent>;

export const MemberRemovedEvent = Strict({ ...memberEventFields, removedBy: Uuid }, { title: 'MemberRemovedEvent' });
export type MemberRemovedEvent = Static<typeof MemberRemovedEvent>;

export const MemberUpdatedEvent = Strict({ ...memberEventFields, role: MemberRole }, { title: 'MemberUpdatedEvent' });
export type MemberUpdatedEvent = Static<typeof MemberUpdatedEvent>;

const Until = Nullable(Type.String({ format: 'date-time', description: 'When it ends by itself; null: until lifted.' }));

export const MemberBannedEvent = Strict(
  { ...memberEventFields, bannedBy: Uuid, expiresAt: Until },
  { title: 'MemberBannedEvent' },
);
export type MemberBannedEvent = Static<typeof MemberBannedEvent>;

export const MemberMutedEvent = Strict({ ...memberEventFields, mutedBy: Uuid, expiresAt: Until }, { title: 'MemberMutedEvent' });
export type MemberMutedEvent = Static<typeof MemberMutedEvent>;

/** A ban or mute lifted before it ended by itself. */
export const MemberRestrictionLiftedEvent = Strict({ ...memberEventFields, liftedBy: Uuid }, { title: 'MemberRestrictionLiftedEvent' });
export type MemberRestrictionLiftedEvent = Static<typeof MemberRestrictionLiftedEvent>;

export const UserBannedEvent = Strict({ userId: Uuid, expiresAt: Until }, { title: 'UserBannedEvent' });
export type UserBannedEvent = Static<typeof UserBannedEvent>;

export const UserUnbannedEvent = Strict({ userId: Uuid }, { title: 'UserUnbannedEvent' });
export type UserUnbannedEvent = Static<typeof UserUnbannedEvent>;

export const ChannelDeletedEvent = Strict({ channelId: Uuid, deletedBy: Uuid }, { title: 'ChannelDeletedEvent' });
export type ChannelDeletedEvent = Static<typeof ChannelDeletedEvent>;

export const MessageDeletedEvent = Strict(
  { messageId: Uuid, channelId: Uuid, seq: Type.Integer(), deletedAt: Timestamp, version: ChangeVersion },
  { title: 'MessageDeletedEvent' },
);
export type MessageDeletedEvent = Static<typeof MessageDeletedEvent>;

/** A message as it is after a change (message.updated, .pinned, .unpinned), with the change's version. */
export const ChangedMessage = Strict({ ...Message.properties, version: ChangeVersion }, { title: 'ChangedMessage' });
export type ChangedMessage = Static<typeof ChangedMessage>;

/** A channel as it is after a change (channel.updated), with the change's version. */
export const ChangedChannel = Strict({ ...Channel.properties, version: ChangeVersion }, { title: 'ChangedChannel' });
export type ChangedChannel = Static<typeof ChangedChannel>;

export const ChannelReadEvent = Strict(
  { channelId: Uuid, lastReadSeq: Type.Integer(), unreadCount: Type.Integer(), userId: Uuid },
  { title: 'ChannelReadEvent' },
);
export type ChannelReadEvent = Static<typeof ChannelReadEvent>;

export const RefreshPayload = Strict(
  { token: Type.String({ minLength: 1, description: 'A new user JWT of the same user and app.' }) },
  { title: 'RefreshPayload' },
);
export type RefreshPayload = Static<typeof RefreshPayload>;

export const Refreshed = Strict(
  { success: Type.Literal(true), expiresAt: Type.String({ format: 'date-time', description: "The new token's expiry: the socket's next deadline." }) },
  { title: 'Refreshed' },
);
export type Refreshed = Static<typeof Refreshed>;

export const AuthExpiredEvent = Strict(
  {
    expiresAt: Type.String({ format: 'date-time', description: "When the socket's token expired." }),
    graceMs: Type.Integer({ minimum: 0, description: 'Send auth.refresh within this many ms, or be disconnected.' }),
  },
  { title: 'AuthExpiredEvent' },
);
export type AuthExpiredEvent = Static<typeof AuthExpiredEvent>;

export const AuthRevokedEvent = Strict(
  {
    code: OneOf(['HEYYO_ERR_TOKEN_REVOKED', 'HEYYO_ERR_USER_DEACTIVATED'], {
      description: 'Why: the tenant revoked the token this socket uses, or deactivated (or erased) its user.',
    }),
  },
  { title: 'AuthRevokedEvent' },
);
export type AuthRevokedEvent = Static<typeof AuthRevokedEvent>;

/**
 * What catch-up replays, with the payload each has live: a message changed after the client's
 * version comes once, as it is now (`message.deleted` when deleted, otherwise `message.updated`,
 * pins included); every other change comes as it happened.
 */
const CATCH_UP_EVENTS = {
  'message.updated': ChangedMessage,
  'message.deleted': MessageDeletedEvent,
  'reaction.new': ReactionEvent,
  'reaction.deleted': ReactionEvent,
  'member.joined': MemberJoinedEvent,
  'member.left': MemberLeftEvent,
  'member.removed': MemberRemovedEvent,
  'member.updated': MemberUpdatedEvent,
  'member.banned': MemberBannedEvent,
  'member.unbanned': MemberRestrictionLiftedEvent,
  'member.muted': MemberMutedEvent,
  'member.unmuted': MemberRestrictionLiftedEvent,
  'channel.updated': ChangedChannel,
} as const;

export type CatchUpEventName = keyof typeof CATCH_UP_EVENTS;
export const CATCH_UP_EVENT_NAMES = Object.keys(CATCH_UP_EVENTS) as CatchUpEventName[];

/** One change a client missed: the event it would have received live, and its payload (with `version`). */
export const ChannelChange = Type.Union(
  Object.entries(CATCH_UP_EVENTS).map(([event, payload]) => Strict({ event: Type.Literal(event), payload })),
  { title: 'ChannelChange' },
) as TSchema;
export type ChannelChange = { [E in CatchUpEventName]: { event: E; payload: Static<(typeof CATCH_UP_EVENTS)[E]> } }[CatchUpEventName];

export const SyncResult = Strict(
  {
    changes: Type.Array(ChannelChange, {
      description:
        'With afterVersion: the changes after it, in version order, each once (empty without afterVersion). ' +
        'When they fill the page, messages is empty and hasMore true.',
    }),
    messages: Type.Array(Message, { description: 'seq > afterSeq in seq order, as they are now; deleted ones as tombstones.' }),
    hasMore: Type.Boolean({ description: 'More follow: ask again with the last seq received and this version.' }),
    lastSeq: Type.Integer({ description: "The channel's newest seq when the page was read." }),
    version: Type.Integer({
      minimum: 0,
      description: 'The channel version this page brings the client up to: the afterVersion of its next sync.',
    }),
  },
  { title: 'SyncResult' },
);
export type SyncResult = Static<typeof SyncResult>;

interface ClientEventSpec {
  summary: string;
  payload: TSchema;
  /** What the acknowledgement carries on success; on failure it is an ErrorBody. */
  ack: TSchema;
}

interface ServerEventSpec {
  summary: string;
  payload: TSchema;
}

/** Events a client emits. Every one is acknowledged: with `ack`, or with an ErrorBody. */
export const ClientEvents = {
  'message.send': {
    summary: 'Send a message; acknowledged with the stored message once committed (a retried clientId gets the original).',
    payload: SendMessagePayload,
    ack: SentMessage,
  },
  'message.update': {
    summary:
      'Edit your own message: the new text, and attachments or metadata when given; acknowledged with the message as it is ' +
      'now (edited_at set), announced as message.updated.',
    payload: EditMessagePayload,
    ack: SentMessage,
  },
  'typing.start': { summary: "Tell the channel's other members you are typing.", payload: ChannelPayload, ack: Success },
  'typing.stop': { summary: "Tell the channel's other members you stopped typing.", payload: ChannelPayload, ack: Success },
  'channel.join': {
    summary: "Join a channel: adds you as a member and puts all your connections in its room.",
    payload: ChannelPayload,
    ack: Success,
  },
  'channel.leave': {
    summary:
      "Leave a channel: you stop being a member, all your connections leave its room, and its members (you included) get member.left. " +
      'Leaving a channel you are not in succeeds; the last owner of a channel that has other members cannot leave (HEYYO_ERR_LAST_OWNER).',
    payload: ChannelPayload,
    ack: Success,
  },
  'reaction.add': {
    summary: 'Add a reaction; acknowledged once queued, announced as reaction.new once applied.',
    payload: ReactionPayload,
    ack: Success,
  },
  'reaction.remove': {
    summary: 'Remove a reaction; announced as reaction.deleted once applied.',
    payload: ReactionPayload,
    ack: Success,
  },
  'channel.read': {
    summary: "Mark the channel read up to a seq; your other connections get channel.read.",
    payload: ReadPayload,
    ack: ReadState,
  },
  'messages.sync': {
    summary: 'Catch up after a reconnect: messages after a seq, in seq order, a page at a time.',
    payload: SyncPayload,
    ack: SyncResult,
  },
  'auth.refresh': {
    summary: "Replace the socket's token with a new one of the same user and app (before it expires, or after auth.expired).",
    payload: RefreshPayload,
    ack: Refreshed,
  },
} as const satisfies Record<string, ClientEventSpec>;

/** Events the server sends to clients. */
export const ServerEvents = {
  'message.new': { summary: "A message was stored in one of your channels (your own sends included).", payload: Message },
  'message.deleted': { summary: 'A message was deleted: drop its content, keep its place.', payload: MessageDeletedEvent },
  'message.updated': {
    summary:
      'A message changed: edited by its author (edited_at set), or one of its replies was deleted (reply_count and ' +
      'last_reply_at as they are now). The message as it is now.',
    payload: ChangedMessage,
  },
  'message.pinned': { summary: 'A message was pinned: the message as it is now (pinned_at, pinned_by set).', payload: ChangedMessage },
  'message.unpinned': { summary: 'A message was unpinned: the message as it is now (pinned_at null).', payload: ChangedMessage },
  'typing.start': { summary: 'Another member started typing.', payload: TypingEvent },
  'typing.stop': { summary: 'Another member stopped typing.', payload: TypingEvent },
  'presence.changed': {
    summary: 'A member of one of your channels came online (first connection) or went offline (last one).',
    payload: PresenceEvent,
  },
  'reaction.new': { summary: 'A reaction was applied.', payload: ReactionEvent },
  'reaction.deleted': { summary: 'A reaction was removed.', payload: ReactionEvent },
  'channel.read': { summary: "To the reader's own connections: keeps a user's devices in sync.", payload: ChannelReadEvent },
  'member.joined': { summary: 'A user joined one of your channels.', payload: MemberJoinedEvent },
  'member.removed': {
    summary: "A moderator, owner or app admin removed a member; also to the removed user's own connections, which no longer get the channel's events.",
    payload: MemberRemovedEvent,
  },
  'channel.updated': {
    summary: "A channel's name, description, metadata or slow mode changed: the channel as it is now.",
    payload: ChangedChannel,
  },
  'channel.deleted': {
    summary: "A channel you were in was deleted; your connections leave its room right after, and its reads answer 404.",
    payload: ChannelDeletedEvent,
  },
  'member.banned': {
    summary:
      "A moderator, owner or app admin banned a user from one of your channels: they are no longer a member (also to the banned " +
      "user's own connections, which no longer get the channel's events).",
    payload: MemberBannedEvent,
  },
  'member.unbanned': { summary: "A user's ban from one of your channels was lifted (they may join again).", payload: MemberRestrictionLiftedEvent },
  'member.muted': { summary: 'A member of one of your channels was muted: they read but cannot send, edit or react.', payload: MemberMutedEvent },
  'member.unmuted': { summary: "A member's mute was lifted.", payload: MemberRestrictionLiftedEvent },
  'user.banned': {
    summary: "To the user's own connections: the app banned them; they read, but every write answers HEYYO_ERR_BANNED.",
    payload: UserBannedEvent,
  },
  'user.unbanned': { summary: "To the user's own connections: the app lifted their ban.", payload: UserUnbannedEvent },
  'member.updated': { summary: "A member's role in one of your channels changed.", payload: MemberUpdatedEvent },
  'member.left': {
    summary: "A member left one of your channels; also to the leaver's own connections, which no longer get the channel's events.",
    payload: MemberLeftEvent,
  },
  'auth.revoked': {
    summary:
      'To one socket: its token was revoked (reconnect with a new token) or its user deactivated (no token will do); ' +
      'the socket is disconnected right after.',
    payload: AuthRevokedEvent,
  },
  'auth.expired': {
    summary: "To one socket: its token expired; send auth.refresh within graceMs or the socket is disconnected.",
    payload: AuthExpiredEvent,
  },
} as const satisfies Record<string, ServerEventSpec>;

export type ClientEventName = keyof typeof ClientEvents;
export type ServerEventName = keyof typeof ServerEvents;
export type ClientEventPayload<E extends ClientEventName> = Static<(typeof ClientEvents)[E]['payload']>;
export type ClientEventAck<E extends ClientEventName> = Static<(typeof ClientEvents)[E]['ack']>;
export type ServerEventPayload<E extends ServerEventName> = Static<(typeof ServerEvents)[E]['payload']>;

/** Failure acknowledgement of any client event. */
export type AckError = ErrorBody;
export type Ack<T> = (response: T | AckError) => void;

/** Socket.IO's typed map of what a client emits (`io<ServerToClientEvents, ClientToServerEvents>`). */
export type ClientToServerEvents = {
  [E in ClientEventName]: (payload: ClientEventPayload<E>, ack?: Ack<ClientEventAck<E>>) => void;
};

/** Socket.IO's typed map of what the server emits. */
export type ServerToClientEvents = {
  [E in ServerEventName]: (payload: ServerEventPayload<E>) => void;
};

/** Room of a channel's members (the seed's name). */
export const channelRoom = (channelId: string) => `channel:${channelId}`;
/** Room of all of one user's connections, on every gateway. */
export const userRoom = (userId: string) => `user:${userId}`;
