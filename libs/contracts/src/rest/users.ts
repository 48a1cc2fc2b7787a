import { Type, type Static } from '@sinclair/typebox';
import { AvatarUrl, DisplayName, ExternalUserId, Id, JsonObject, Nullable, OneOf, Strict, Timestamp, Uuid } from '../schema.ts';
import { MemberRole } from './channels.ts';

export const UpsertUserRequest = Strict(
  {
    user_id: ExternalUserId,
    display_name: Type.Optional(Nullable(DisplayName)),
    avatar_url: Type.Optional(Nullable(AvatarUrl)),
  },
  { title: 'UpsertUserRequest', examples: [{ user_id: 'user-123', display_name: 'Jane Doe' }] },
);
export type UpsertUserRequest = Static<typeof UpsertUserRequest>;

/** `PATCH /api/users/:id`: omitted fields stay; null clears a display name or avatar. */
export const UpdateUserRequest = Strict(
  {
    display_name: Type.Optional(Nullable(DisplayName)),
    avatar_url: Type.Optional(Nullable(AvatarUrl)),
    metadata: Type.Optional(JsonObject),
  },
  { title: 'UpdateUserRequest', examples: [{ display_name: 'Jane D.', metadata: { plan: 'pro' } }] },
);
export type UpdateUserRequest = Static<typeof UpdateUserRequest>;

export const UserParams = Strict({ id: Id });
export type UserParams = Static<typeof UserParams>;

export const DeleteUserQuery = Strict({
  hard: Type.Optional(
    Type.Boolean({
      default: false,
      description:
        'true: erase the user (GDPR) — messages become tombstones, reactions and memberships are removed, the profile is wiped; ' +
        'false (default): deactivate them, keeping everything.',
    }),
  ),
});
export type DeleteUserQuery = Static<typeof DeleteUserQuery>;

/** A user as the server-side API (X-API-Key) shows it. */
export const User = Strict(
  {
    id: Uuid,
    external_id: Type.String(),
    display_name: Nullable(Type.String()),
    avatar_url: Nullable(Type.String()),
    metadata: JsonObject,
    deactivated_at: Nullable(Timestamp, { description: 'Set while deactivated: their tokens are refused and none is minted.' }),
    erased_at: Nullable(Timestamp, { description: 'Set once erased (`DELETE …?hard=true`): an anonymous author now.' }),
    created_at: Timestamp,
    updated_at: Timestamp,
  },
  {
    title: 'User',
    examples: [
      {
        id: '0b6f2a51-5c44-4f7e-9d2a-6a3f0d0b8a11',
        external_id: 'user-123',
        display_name: 'Jane Doe',
        avatar_url: null,
        metadata: {},
        deactivated_at: null,
        erased_at: null,
        created_at: '2026-01-31T12:00:00.000Z',
        updated_at: '2026-01-31T12:00:00.000Z',
      },
    ],
  },
);
export type User = Static<typeof User>;

/** A channel membership in an export. */
export const ExportedMembership = Strict(
  { channel_id: Uuid, channel_name: Type.String(), role: MemberRole, joined_at: Timestamp, last_read_seq: Type.Integer() },
  { title: 'ExportedMembership' },
);
export type ExportedMembership = Static<typeof ExportedMembership>;

/** A message as stored — a deleted one with the content it still holds (none once erased). */
export const ExportedMessage = Strict(
  {
    id: Uuid,
    channel_id: Uuid,
    seq: Type.Integer(),
    text: Nullable(Type.String()),
    attachments: Type.Array(JsonObject),
    metadata: JsonObject,
    parent_id: Nullable(Uuid),
    client_id: Nullable(Type.String()),
    reaction_counts: Type.Record(Type.String(), Type.Integer()),
    created_at: Timestamp,
    updated_at: Timestamp,
    deleted_at: Nullable(Timestamp),
    edited_at: Nullable(Timestamp),
  },
  { title: 'ExportedMessage' },
);
export type ExportedMessage = Static<typeof ExportedMessage>;

/** A reaction of the user's; a removed one is kept (with `removed_at`) as a guard against late changes. */
export const ExportedReaction = Strict(
  { message_id: Uuid, channel_id: Uuid, type: Type.String(), created_at: Timestamp, removed_at: Nullable(Timestamp) },
  { title: 'ExportedReaction' },
);
export type ExportedReaction = Static<typeof ExportedReaction>;

/** A ban or mute of the user in a channel, in force or not. */
export const ExportedRestriction = Strict(
  {
    channel_id: Uuid,
    kind: OneOf(['ban', 'mute']),
    reason: Nullable(Type.String()),
    created_by: Nullable(Uuid),
    created_at: Timestamp,
    expires_at: Nullable(Timestamp),
  },
  { title: 'ExportedRestriction' },
);
export type ExportedRestriction = Static<typeof ExportedRestriction>;

/** `GET /api/users/:id/export`: everything stored about the user, streamed in this key order. */
export const UserExport = Strict(
  {
    exported_at: Timestamp,
    user: User,
    token_revocations: Strict({
      tokens_valid_after: Nullable(Timestamp, { description: 'Tokens issued before this are refused.' }),
      revoked_tokens: Type.Array(Strict({ jti: Type.String(), expires_at: Timestamp })),
    }),
    moderation: Strict({
      app_ban: Nullable(Strict({ reason: Nullable(Type.String()), created_at: Timestamp, expires_at: Nullable(Timestamp) })),
      channel_restrictions: Type.Array(ExportedRestriction),
    }),
    memberships: Type.Array(ExportedMembership),
    reactions: Type.Array(ExportedReaction),
    messages: Type.Array(ExportedMessage, { description: 'By channel, then seq.' }),
  },
  { title: 'UserExport' },
);
export type UserExport = Static<typeof UserExport>;
