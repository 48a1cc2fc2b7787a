import { Type, type Static } from '@sinclair/typebox';
import { AvatarUrl, DisplayName, ExternalUserId, Nullable, OneOf, Strict, Timestamp, Uuid } from '../schema.ts';

/** A user's role in their app, as the tenant's backend grants it in a token: an `admin` moderates every channel. */
export const AppRole = OneOf(['user', 'admin'], {
  description: "The user's role in the app, for this token: an `admin` moderates every channel of the app. Default `user`.",
});
export type AppRole = Static<typeof AppRole>;

export const TokenRequest = Strict(
  {
    api_key: Type.String({ minLength: 1, maxLength: 200 }),
    api_secret: Type.String({ minLength: 1, maxLength: 200 }),
    user_id: ExternalUserId,
    display_name: Type.Optional(Nullable(DisplayName)),
    avatar_url: Type.Optional(Nullable(AvatarUrl)),
    role: Type.Optional(AppRole),
    ttl: Type.Optional(
      Type.Integer({
        minimum: 60,
        description: "Lifetime in seconds, up to the server's maximum (HEYYO_TOKEN_MAX_TTL_SECONDS, 24 h by default).",
      }),
    ),
  },
  {
    title: 'TokenRequest',
    examples: [{ api_key: 'cb_…', api_secret: 'cbs_…', user_id: 'user-123', display_name: 'Jane Doe' }],
  },
);
export type TokenRequest = Static<typeof TokenRequest>;

export const TokenResponse = Strict(
  {
    token: Type.String({ description: 'The user JWT, for REST (Bearer) and Socket.IO (auth.token).' }),
    expires_in: Type.Integer({ description: 'Seconds until the token expires.' }),
    user_id: Uuid,
  },
  { title: 'TokenResponse', examples: [{ token: 'eyJ…', expires_in: 3600, user_id: '0b6f2a51-5c44-4f7e-9d2a-6a3f0d0b8a11' }] },
);
export type TokenResponse = Static<typeof TokenResponse>;

export const VerifyResponse = Strict(
  {
    valid: Type.Literal(true),
    user_id: Uuid,
    external_id: Type.String(),
    app_id: Uuid,
    role: AppRole,
    exp: Type.Integer({ description: 'When the token expires, in seconds since the epoch (its `exp` claim).' }),
  },
  {
    title: 'VerifyResponse',
    examples: [
      {
        valid: true,
        user_id: '0b6f2a51-5c44-4f7e-9d2a-6a3f0d0b8a11',
        external_id: 'user-123',
        app_id: '5d0c9e1a-2f3b-4c5d-8e9f-0a1b2c3d4e5f',
        role: 'user',
        exp: 1790000000,
      },
    ],
  },
);
export type VerifyResponse = Static<typeof VerifyResponse>;

export const RevokeTokensQuery = Strict({
  jti: Type.Optional(
    Type.String({ minLength: 1, maxLength: 64, description: "Revoke only the token with this `jti` claim; omitted: every token issued before now." }),
  ),
});
export type RevokeTokensQuery = Static<typeof RevokeTokensQuery>;

export const RevokeTokensResponse = Strict(
  {
    user_id: Uuid,
    revoked_before: Nullable(Timestamp),
    jti: Nullable(Type.String()),
  },
  {
    title: 'RevokeTokensResponse',
    examples: [{ user_id: '0b6f2a51-5c44-4f7e-9d2a-6a3f0d0b8a11', revoked_before: '2026-01-31T12:00:00.000Z', jti: null }],
  },
);
export type RevokeTokensResponse = Static<typeof RevokeTokensResponse>;
