import { Type, type TSchema } from '@sinclair/typebox';

export const Timestamp = Type.String({ format: 'date-time' });
export const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);
export const JsonObject = Type.Record(Type.String(), Type.Unknown());

/** `{ "message": "…" }` confirmations of the seed. */
export const Confirmation = Type.Object({ message: Type.String() });

/**
 * Ids in paths are not format-checked here: a malformed id cannot name a row,
 * so the service answers 404 exactly as for an unknown one.
 */
export const Id = Type.String({ minLength: 1, maxLength: 64 });

export const PageQuery = Type.Object(
  {
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 100 })),
    offset: Type.Optional(Type.Integer({ minimum: 0, maximum: 100_000, default: 0 })),
  },
  { additionalProperties: false },
);

/** Profile fields of a user, as token minting and the users API accept them. */
export const DisplayName = Type.String({ maxLength: 255 });
/** http(s) only: clients render it, so `javascript:` and `data:` URLs are refused. */
export const AvatarUrl = Type.String({ maxLength: 2048, format: 'http-url' });
