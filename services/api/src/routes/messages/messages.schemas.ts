import { Type } from '@sinclair/typebox';
import { Id, JsonObject, Nullable, Timestamp } from '../shared.schemas.ts';

export const MessageParams = Type.Object({ id: Id, messageId: Id });

export const HistoryQuery = Type.Object(
  {
    // Above 100 is capped at 100 rather than refused: "max 100" in the seed.
    limit: Type.Optional(Type.Integer({ minimum: 1, default: 50 })),
    before: Type.Optional(Type.String({ format: 'date-time' })),
    /** Catch-up: messages with a higher seq, in seq order, deleted ones as tombstones. */
    after_seq: Type.Optional(Type.Integer({ minimum: 0 })),
  },
  { additionalProperties: false },
);

export const SendMessageBody = Type.Object(
  {
    text: Type.Optional(Nullable(Type.String())),
    attachments: Type.Optional(Type.Array(JsonObject)),
    metadata: Type.Optional(JsonObject),
    parent_id: Type.Optional(Nullable(Id)),
    client_id: Type.Optional(Type.String({ minLength: 1, maxLength: 128 })),
  },
  { additionalProperties: false },
);

const ReactionType = Type.String({ minLength: 1, maxLength: 64 });

export const ReactionBody = Type.Object({ type: ReactionType }, { additionalProperties: false });

/** The type travels URL-encoded: `:heart:` as `%3Aheart%3A`. */
export const ReactionParams = Type.Object({ id: Id, messageId: Id, type: ReactionType });

const messageFields = {
  id: Type.String(),
  channel_id: Type.String(),
  user_id: Type.String(),
  seq: Type.Integer(),
  text: Nullable(Type.String()),
  attachments: Type.Array(JsonObject),
  metadata: JsonObject,
  parent_id: Nullable(Type.String()),
  client_id: Nullable(Type.String()),
  created_at: Timestamp,
  updated_at: Timestamp,
  deleted_at: Nullable(Timestamp),
};

export const Message = Type.Object({
  ...messageFields,
  user: Type.Object({
    external_id: Type.String(),
    display_name: Nullable(Type.String()),
    avatar_url: Nullable(Type.String()),
  }),
});

export const ListedMessage = Type.Object({
  ...messageFields,
  user_external_id: Type.String(),
  user_display_name: Nullable(Type.String()),
  user_avatar_url: Nullable(Type.String()),
  reactions: Type.Array(Type.Object({ type: Type.String(), user_id: Type.String(), count: Type.Integer() })),
  reaction_counts: Type.Record(Type.String(), Type.Integer()),
});
