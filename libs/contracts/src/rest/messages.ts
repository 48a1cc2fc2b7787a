import { Type, type Static } from '@sinclair/typebox';
import { ClientMessageId, DescribedId, Id, JsonObject, Nullable, ReactionType, SeqInput, Strict, Timestamp, Uuid } from '../schema.ts';
import { pageFields } from './apps.ts';

/** Largest page of history one request returns; a larger `limit` is capped, as the seed's "max 100". */
export const MAX_HISTORY_PAGE = 100;

export const MessageParams = Strict({ id: Id, messageId: Id });
export type MessageParams = Static<typeof MessageParams>;

/** The type travels URL-encoded: `:heart:` as `%3Aheart%3A`. */
export const ReactionParams = Strict({ id: Id, messageId: Id, type: ReactionType });
export type ReactionParams = Static<typeof ReactionParams>;

/** A page back in time: the history's paging, which a thread's replies share. */
const timePageFields = {
  limit: Type.Optional(
    Type.Integer({ minimum: 1, default: 50, description: `Page size; above ${MAX_HISTORY_PAGE} is capped at ${MAX_HISTORY_PAGE}.` }),
  ),
  before: Type.Optional(
    Type.String({ format: 'date-time', description: 'Only messages created strictly before this time (newest first).' }),
  ),
  // Numbered pages, newest first; `limit` is capped as above.
  offset: pageFields(50, Number.MAX_SAFE_INTEGER).offset,
  page: pageFields(50, Number.MAX_SAFE_INTEGER).page,
};

/** A thread's replies, paged like the history (without catch-up: replies are in the history's too). */
export const RepliesQuery = Strict(timePageFields, { title: 'RepliesQuery' });
export type RepliesQuery = Static<typeof RepliesQuery>;

export const HistoryQuery = Strict(
  {
    ...timePageFields,
    after_seq: Type.Optional(
      SeqInput('Catch-up: messages with a higher seq, in seq order, deleted ones as tombstones. Not with `before`.'),
    ),
  },
  { title: 'HistoryQuery' },
);
export type HistoryQuery = Static<typeof HistoryQuery>;

export const Attachment = JsonObject;
export type Attachment = Static<typeof Attachment>;

/** What a sender writes, over REST and the socket alike (their other fields differ in case, as the seed has them). */
export const messageContentFields = {
  text: Type.Optional(Nullable(Type.String())),
  attachments: Type.Optional(Type.Array(Attachment)),
  metadata: Type.Optional(JsonObject),
};

export const SendMessageRequest = Strict(
  {
    ...messageContentFields,
    parent_id: Type.Optional(Nullable(Id)),
    client_id: Type.Optional(ClientMessageId),
    user_id: Type.Optional(DescribedId('API credentials only (and then required): the member who sends it.')),
  },
  { title: 'SendMessageRequest', examples: [{ text: 'Hello from REST', client_id: '9f1c2d3e-local-1' }] },
);
export type SendMessageRequest = Static<typeof SendMessageRequest>;

export const EditMessageRequest = Strict(
  {
    text: Type.String({ description: 'The new text (required; the same limits as a send).' }),
    attachments: Type.Optional(Type.Array(Attachment, { description: 'Replace the attachments; omitted: they stay.' })),
    // Replaces the metadata when given; omitted, it stays.
    metadata: Type.Optional(JsonObject),
  },
  { title: 'EditMessageRequest', examples: [{ text: 'Hello, edited' }] },
);
export type EditMessageRequest = Static<typeof EditMessageRequest>;

export const ReactionRequest = Strict({ type: ReactionType }, { title: 'ReactionRequest', examples: [{ type: ':thumbsup:' }] });
export type ReactionRequest = Static<typeof ReactionRequest>;

export const messageFields = {
  id: Uuid,
  channel_id: Uuid,
  user_id: Uuid,
  seq: Type.Integer({ description: 'Position in the channel: 1, 2, 3 … with no gaps, in send order.' }),
  text: Nullable(Type.String()),
  attachments: Type.Array(Attachment),
  metadata: JsonObject,
  parent_id: Nullable(Uuid),
  client_id: Nullable(Type.String()),
  created_at: Timestamp,
  updated_at: Timestamp,
  deleted_at: Nullable(Timestamp),
  edited_at: Nullable(Timestamp),
  reply_count: Type.Integer({ minimum: 0, description: 'Live replies to this message (messages whose parent_id is its id).' }),
  last_reply_at: Nullable(Timestamp),
  pinned_at: Nullable(Timestamp),
  pinned_by: Nullable(Uuid),
};

export const MessageUser = Strict({
  external_id: Type.String(),
  display_name: Nullable(Type.String()),
  avatar_url: Nullable(Type.String()),
});
export type MessageUser = Static<typeof MessageUser>;

/** A message with its author nested: the POST response and the `message.new` payload. */
export const Message = Strict(
  { ...messageFields, user: MessageUser },
  {
    title: 'Message',
    examples: [
      {
        id: '5d0c8e9e-2f6b-4d7a-9a43-2c3f4b1f0e21',
        channel_id: '0b6f2a51-5c44-4f7e-9d2a-6a3f0d0b8a11',
        user_id: '7c1e6a3b-9f2d-4c8e-8b1a-3d5e7f9a1b2c',
        seq: 42,
        text: 'Hello from REST',
        attachments: [],
        metadata: {},
        parent_id: null,
        client_id: '9f1c2d3e-local-1',
        created_at: '2026-01-31T12:00:00.000Z',
        updated_at: '2026-01-31T12:00:00.000Z',
        deleted_at: null,
        edited_at: null,
        reply_count: 0,
        last_reply_at: null,
        pinned_at: null,
        pinned_by: null,
        user: { external_id: 'user-123', display_name: 'Jane Doe', avatar_url: null },
      },
    ],
  },
);
export type Message = Static<typeof Message>;

export const ReactionEntry = Strict({ type: Type.String(), user_id: Uuid, count: Type.Integer() });
export type ReactionEntry = Static<typeof ReactionEntry>;

/** A message as listed: the author flattened (the seed's list shape) plus aggregated reactions. */
export const ListedMessage = Strict(
  {
    ...messageFields,
    user_external_id: Type.String(),
    user_display_name: Nullable(Type.String()),
    user_avatar_url: Nullable(Type.String()),
    reactions: Type.Array(ReactionEntry),
    reaction_counts: Type.Record(Type.String(), Type.Integer(), { description: 'Reactions per type, e.g. `{ ":heart:": 2 }`.' }),
  },
  { title: 'ListedMessage' },
);
export type ListedMessage = Static<typeof ListedMessage>;
