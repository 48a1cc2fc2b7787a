import { Type, type Static } from '@sinclair/typebox';
import { Id, Nullable, Strict, Timestamp, Uuid } from '../schema.ts';

/** The longest a ban or mute may be set for; without `expires_in` it lasts until lifted. */
export const MAX_RESTRICTION_SECONDS = 366 * 24 * 3600;

const ExpiresIn = Type.Integer({
  minimum: 1,
  maximum: MAX_RESTRICTION_SECONDS,
  description: 'Seconds until it ends by itself; omitted: until lifted.',
});
const Reason = Type.String({ maxLength: 500, description: 'Shown to moderators (and in the ban event); not to the public.' });

export const BanRequest = Strict(
  { user_id: Id, expires_in: Type.Optional(ExpiresIn), reason: Type.Optional(Reason) },
  { title: 'BanRequest', examples: [{ user_id: '0b6f2a51-5c44-4f7e-9d2a-6a3f0d0b8a11', expires_in: 3600, reason: 'spam' }] },
);
export type BanRequest = Static<typeof BanRequest>;

export const MuteRequest = Strict(
  { user_id: Id, expires_in: Type.Optional(ExpiresIn) },
  { title: 'MuteRequest', examples: [{ user_id: '0b6f2a51-5c44-4f7e-9d2a-6a3f0d0b8a11', expires_in: 600 }] },
);
export type MuteRequest = Static<typeof MuteRequest>;

export const AppBanRequest = Strict(
  { expires_in: Type.Optional(ExpiresIn), reason: Type.Optional(Reason) },
  { title: 'AppBanRequest', examples: [{ reason: 'abuse' }, {}] },
);
export type AppBanRequest = Static<typeof AppBanRequest>;

/** A ban or mute in force. */
export const Restriction = Strict(
  {
    user_id: Uuid,
    external_id: Type.String(),
    reason: Nullable(Type.String()),
    created_by: Nullable(Type.String({ format: 'uuid', description: 'The moderator; null when set through the server API.' })),
    created_at: Timestamp,
    expires_at: Nullable(Type.String({ format: 'date-time', description: 'null: until lifted.' })),
  },
  { title: 'Restriction' },
);
export type Restriction = Static<typeof Restriction>;

export const AppBan = Strict(
  {
    user_id: Uuid,
    reason: Nullable(Type.String()),
    expires_at: Nullable(Type.String({ format: 'date-time', description: 'null: until lifted.' })),
  },
  { title: 'AppBan' },
);
export type AppBan = Static<typeof AppBan>;
