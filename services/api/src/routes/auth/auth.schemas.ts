import { Type } from '@sinclair/typebox';
import { AvatarUrl, DisplayName, Nullable } from '../shared.schemas.ts';

export const TokenBody = Type.Object(
  {
    api_key: Type.String({ minLength: 1, maxLength: 200 }),
    api_secret: Type.String({ minLength: 1, maxLength: 200 }),
    user_id: Type.String({ minLength: 1, maxLength: 255 }),
    display_name: Type.Optional(Nullable(DisplayName)),
    avatar_url: Type.Optional(Nullable(AvatarUrl)),
    ttl: Type.Optional(Type.Integer({ minimum: 60 })),
  },
  { additionalProperties: false },
);

export const TokenResult = Type.Object({
  token: Type.String(),
  expires_in: Type.Integer(),
  user_id: Type.String(),
});
