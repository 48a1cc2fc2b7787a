import { Type, type Static } from '@sinclair/typebox';
import { DescribedId, Id, JsonObject, Nullable, OneOf, SeqInput, Strict, Timestamp, Uuid } from '../schema.ts';
import { pageFields } from './apps.ts';

/** Most users one create request may add; larger rosters are added with /members. */
export const MAX_INITIAL_MEMBERS = 100;

/** Most users one bulk membership change names. */
export const MAX_BULK_MEMBERS = 100;

/** The longest slow-mode interval a channel may have: six hours. */
export const MAX_SLOW_MODE_SECONDS = 21_600;

const SlowModeSeconds = Type.Integer({
  minimum: 0,
  maximum: MAX_SLOW_MODE_SECONDS,
  description: 'One message per member per this many seconds; 0: off. Moderators, owners and app admins are exempt.',
});

export const MemberRole = OneOf(['owner', 'moderator', 'member']);
export type MemberRole = Static<typeof MemberRole>;

export const CreateChannelRequest = Strict(
  {
    name: Type.String({ minLength: 1, maxLength: 200 }),
    type: Type.Optional(Type.String({ pattern: '^[A-Za-z0-9_-]{1,32}$', default: 'messaging' })),
    description: Type.Optional(Nullable(Type.String({ maxLength: 2000 }))),
    metadata: Type.Optional(JsonObject),
    members: Type.Optional(
      Type.Array(Id, { maxItems: MAX_INITIAL_MEMBERS, description: 'Internal user UUIDs to add besides the creator.' }),
    ),
    created_by: Type.Optional(
      DescribedId('API credentials only (and then required): the user who creates it and becomes its owner.'),
    ),
  },
  { title: 'CreateChannelRequest', examples: [{ name: 'general', type: 'messaging' }] },
);
export type CreateChannelRequest = Static<typeof CreateChannelRequest>;

export const UpdateChannelRequest = Strict(
  {
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    description: Type.Optional(Nullable(Type.String({ maxLength: 2000 }))),
    metadata: Type.Optional(JsonObject),
    slow_mode_seconds: Type.Optional(SlowModeSeconds),
  },
  { title: 'UpdateChannelRequest', minProperties: 1, examples: [{ name: 'general', description: 'Everything else' }, { slow_mode_seconds: 30 }] },
);
export type UpdateChannelRequest = Static<typeof UpdateChannelRequest>;

export const ChannelParams = Strict({ id: Id });
export type ChannelParams = Static<typeof ChannelParams>;

export const AddMemberRequest = Type.Union(
  [
    Strict({ user_id: Id }),
    Strict({ user_ids: Type.Array(Id, { minItems: 1, maxItems: MAX_BULK_MEMBERS, uniqueItems: true, description: 'Several users at once.' }) }),
  ],
  {
    title: 'AddMemberRequest',
    examples: [{ user_id: '0b6f2a51-5c44-4f7e-9d2a-6a3f0d0b8a11' }, { user_ids: ['0b6f2a51-5c44-4f7e-9d2a-6a3f0d0b8a11'] }],
  },
);
export type AddMemberRequest = Static<typeof AddMemberRequest>;

export const MemberParams = Strict({ id: Id, userId: Id });
export type MemberParams = Static<typeof MemberParams>;

export const UpdateMemberRequest = Strict({ role: MemberRole }, { title: 'UpdateMemberRequest', examples: [{ role: 'moderator' }] });
export type UpdateMemberRequest = Static<typeof UpdateMemberRequest>;

export const MarkReadRequest = Strict(
  { seq: Type.Optional(SeqInput('Read up to this seq; omitted: up to the newest message.')) },
  { title: 'MarkReadRequest', examples: [{ seq: 42 }, {}] },
);
export type MarkReadRequest = Static<typeof MarkReadRequest>;

export const MarkReadResponse = Strict(
  { message: Type.String(), last_read_seq: Type.Integer(), unread_count: Type.Integer() },
  { title: 'MarkReadResponse' },
);
export type MarkReadResponse = Static<typeof MarkReadResponse>;

const channelFields = {
  id: Uuid,
  app_id: Uuid,
  type: Type.String(),
  name: Type.String(),
  description: Nullable(Type.String()),
  metadata: JsonObject,
  created_by: Uuid,
  slow_mode_seconds: SlowModeSeconds,
  created_at: Timestamp,
  updated_at: Timestamp,
};

export const Channel = Strict(channelFields, {
  title: 'Channel',
  examples: [
    {
      id: '0b6f2a51-5c44-4f7e-9d2a-6a3f0d0b8a11',
      app_id: '3e8f1d2c-4b5a-4c6d-9e7f-8a9b0c1d2e3f',
      type: 'messaging',
      name: 'general',
      description: null,
      metadata: {},
      created_by: '7c1e6a3b-9f2d-4c8e-8b1a-3d5e7f9a1b2c',
      slow_mode_seconds: 0,
      created_at: '2026-01-31T12:00:00.000Z',
      updated_at: '2026-01-31T12:00:00.000Z',
    },
  ],
});
export type Channel = Static<typeof Channel>;

export const ChannelListItem = Strict(
  {
    id: Uuid,
    name: Type.String(),
    type: Type.String(),
    description: Nullable(Type.String()),
    metadata: JsonObject,
    role: MemberRole,
    member_count: Type.Integer(),
    message_count: Type.Integer(),
    last_message_at: Nullable(Timestamp),
    last_read_seq: Type.Integer({ description: "The caller's read position." }),
    unread_count: Type.Integer({ description: "Messages after the read position, not the caller's own, not deleted." }),
    last_seq: Type.Integer({ description: "The channel's newest seq." }),
    slow_mode_seconds: SlowModeSeconds,
    created_at: Timestamp,
    updated_at: Timestamp,
  },
  { title: 'ChannelListItem' },
);
export type ChannelListItem = Static<typeof ChannelListItem>;

export const DiscoverChannel = Strict(
  {
    id: Uuid,
    name: Type.String(),
    type: Type.String(),
    description: Nullable(Type.String()),
    member_count: Type.Integer(),
    is_member: Type.Boolean(),
    created_at: Timestamp,
  },
  { title: 'DiscoverChannel' },
);
export type DiscoverChannel = Static<typeof DiscoverChannel>;

export const ChannelMember = Strict(
  {
    id: Uuid,
    external_id: Type.String(),
    display_name: Nullable(Type.String()),
    avatar_url: Nullable(Type.String()),
    is_online: Type.Boolean(),
    role: MemberRole,
    joined_at: Timestamp,
  },
  { title: 'ChannelMember' },
);
export type ChannelMember = Static<typeof ChannelMember>;

export const ChannelDetails = Strict(
  {
    ...channelFields,
    member_count: Type.Integer(),
    message_count: Type.Integer(),
    last_message_at: Nullable(Timestamp),
    members: Type.Array(ChannelMember),
  },
  { title: 'ChannelDetails' },
);
export type ChannelDetails = Static<typeof ChannelDetails>;

/** A channel as the app's backend lists it (`GET /api/channels` with API credentials): no caller's read state. */
export const AppChannel = Strict(
  {
    ...channelFields,
    member_count: Type.Integer(),
    message_count: Type.Integer(),
    last_message_at: Nullable(Timestamp),
    last_seq: Type.Integer({ description: "The channel's newest seq." }),
  },
  { title: 'AppChannel' },
);
export type AppChannel = Static<typeof AppChannel>;

/** `GET /api/channels`: a user's own channels, or — with API credentials — the app's, filtered. */
export const ChannelListQuery = Strict(
  {
    ...pageFields(100, 200),
    type: Type.Optional(Type.String({ pattern: '^[A-Za-z0-9_-]{1,32}$', description: 'API credentials only: channels of this type.' })),
    member: Type.Optional(DescribedId('API credentials only: channels this user is in.')),
    name_prefix: Type.Optional(Type.String({ minLength: 1, maxLength: 200, description: 'API credentials only: names starting with this (case-sensitive).' })),
  },
  { title: 'ChannelListQuery' },
);
export type ChannelListQuery = Static<typeof ChannelListQuery>;

/** `POST /api/channels/:id/members/remove`: several members at once (API credentials or moderators). */
export const RemoveMembersRequest = Strict(
  { user_ids: Type.Array(Id, { minItems: 1, maxItems: MAX_BULK_MEMBERS, uniqueItems: true }) },
  { title: 'RemoveMembersRequest', examples: [{ user_ids: ['0b6f2a51-5c44-4f7e-9d2a-6a3f0d0b8a11'] }] },
);
export type RemoveMembersRequest = Static<typeof RemoveMembersRequest>;

/** What a bulk membership change did, per user id it named. */
export const MembersChanged = Strict(
  { message: Type.String(), changed: Type.Array(Uuid), unchanged: Type.Array(Uuid) },
  { title: 'MembersChanged' },
);
export type MembersChanged = Static<typeof MembersChanged>;
