import { Type } from '@sinclair/typebox';
import { AvatarUrl, DisplayName, Id, Nullable, Timestamp } from '../shared.schemas.ts';

export const UpsertUserBody = Type.Object(
  {
    user_id: Type.String({ minLength: 1, maxLength: 255 }),
    display_name: Type.Optional(Nullable(DisplayName)),
    avatar_url: Type.Optional(Nullable(AvatarUrl)),
  },
  { additionalProperties: false },
);

export const UserParams = Type.Object({ id: Id });

export const User = Type.Object({
  id: Type.String(),
  external_id: Type.String(),
  display_name: Nullable(Type.String()),
  avatar_url: Nullable(Type.String()),
  created_at: Timestamp,
  updated_at: Timestamp,
});
