import { Type } from '@sinclair/typebox';
import { Id, JsonObject, Nullable, Timestamp } from '../shared.schemas.ts';

/** Most users one create request may add; larger rosters are added with /members. */
export const MAX_INITIAL_MEMBERS = 100;

const Role = Type.Union([Type.Literal('owner'), Type.Literal('member')]);

export const CreateChannelBody = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 200 }),
    type: Type.Optional(Type.String({ pattern: '^[A-Za-z0-9_-]{1,32}$' })),
    description: Type.Optional(Nullable(Type.String({ maxLength: 2000 }))),
    metadata: Type.Optional(JsonObject),
    members: Type.Optional(Type.Array(Id, { maxItems: MAX_INITIAL_MEMBERS })),
  },
  { additionalProperties: false },
);

export const ChannelParams = Type.Object({ id: Id });

export const AddMemberBody = Type.Object({ user_id: Id }, { additionalProperties: false });

export const MarkReadBody = Type.Object(
  { seq: Type.Optional(Type.Integer({ minimum: 0 })) },
  { additionalProperties: false },
);

export const MarkReadResult = Type.Object({
  message: Type.String(),
  last_read_seq: Type.Integer(),
  unread_count: Type.Integer(),
});

const channelFields = {
  id: Type.String(),
  app_id: Type.String(),
  type: Type.String(),
  name: Type.String(),
  description: Nullable(Type.String()),
  metadata: JsonObject,
  created_by: Type.String(),
  created_at: Timestamp,
  updated_at: Timestamp,
};

export const Channel = Type.Object(channelFields);

export const ChannelListItem = Type.Object({
  id: Type.String(),
  name: Type.String(),
  type: Type.String(),
  description: Nullable(Type.String()),
  metadata: JsonObject,
  role: Role,
  member_count: Type.Integer(),
  message_count: Type.Integer(),
  last_message_at: Nullable(Timestamp),
  last_read_seq: Type.Integer(),
  unread_count: Type.Integer(),
  last_seq: Type.Integer(),
  created_at: Timestamp,
  updated_at: Timestamp,
});

export const DiscoverChannel = Type.Object({
  id: Type.String(),
  name: Type.String(),
  type: Type.String(),
  description: Nullable(Type.String()),
  member_count: Type.Integer(),
  is_member: Type.Boolean(),
  created_at: Timestamp,
});

export const ChannelMember = Type.Object({
  id: Type.String(),
  external_id: Type.String(),
  display_name: Nullable(Type.String()),
  avatar_url: Nullable(Type.String()),
  is_online: Type.Boolean(),
  role: Role,
  joined_at: Timestamp,
});

export const ChannelDetails = Type.Object({
  ...channelFields,
  member_count: Type.Integer(),
  message_count: Type.Integer(),
  last_message_at: Nullable(Timestamp),
  members: Type.Array(ChannelMember),
});
