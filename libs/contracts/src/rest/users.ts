import { Type, type Static } from '@sinclair/typebox';
import { AvatarUrl, DisplayName, ExternalUserId, Id, Nullable, Strict, Timestamp, Uuid } from '../schema.ts';

export const UpsertUserRequest = Strict(
  {
    user_id: ExternalUserId,
    display_name: Type.Optional(Nullable(DisplayName)),
    avatar_url: Type.Optional(Nullable(AvatarUrl)),
  },
  { title: 'UpsertUserRequest', examples: [{ user_id: 'user-123', display_name: 'Jane Doe' }] },
);
export type UpsertUserRequest = Static<typeof UpsertUserRequest>;

export const UserParams = Strict({ id: Id });
export type UserParams = Static<typeof UserParams>;

/** A user as the server-side API (X-API-Key) shows it. */
export const User = Strict(
  {
    id: Uuid,
    external_id: Type.String(),
    display_name: Nullable(Type.String()),
    avatar_url: Nullable(Type.String()),
    created_at: Timestamp,
    updated_at: Timestamp,
  },
  { title: 'User' },
);
export type User = Static<typeof User>;
