/** Building blocks of the wire schemas: one definition of each recurring field. */
import { Type, type ObjectOptions, type SchemaOptions, type Static, type TProperties, type TSchema } from '@sinclair/typebox';

/**
 * An object with exactly these fields. Requests refuse unknown fields (rather than
 * silently dropping them), and a response that carries a field its schema does not
 * declare fails the outgoing-shape check in tests.
 */
export const Strict = <T extends TProperties>(properties: T, options: ObjectOptions = {}) =>
  Type.Object(properties, { additionalProperties: false, ...options });

export const Nullable = <T extends TSchema>(schema: T, options: SchemaOptions = {}) => Type.Union([schema, Type.Null()], options);

/**
 * One of a few strings, as a JSON Schema `enum` (a union of literals would report a wrong value
 * as "must be equal to constant", against its first branch only).
 */
export const OneOf = <const T extends readonly string[]>(values: T, options: { description?: string } = {}) =>
  Type.Unsafe<T[number]>({ type: 'string', enum: [...values], ...options });

/** ISO 8601 timestamp with milliseconds and `Z`. */
export const Timestamp = Type.String({ format: 'date-time', examples: ['2026-01-31T12:00:00.000Z'] });

/** A server-generated UUID in a response. */
export const Uuid = Type.String({ format: 'uuid', examples: ['0b6f2a51-5c44-4f7e-9d2a-6a3f0d0b8a11'] });

/**
 * An id a client sends. Not format-checked: a malformed id cannot name a row, so the
 * service answers 404 exactly as for an unknown one.
 */
export const Id = Type.String({ minLength: 1, maxLength: 64 });

/** An Id with a description of its own (a field's meaning). */
export const DescribedId = (description: string) => Type.String({ minLength: 1, maxLength: 64, description });

/** Any JSON object (metadata, attachments); its size is limited by the server's config. */
export const JsonObject = Type.Record(Type.String(), Type.Unknown());
export type JsonObject = Static<typeof JsonObject>;

/**
 * What an erased user's external id becomes (`heyyo-erased:<internal id>`): the tenant's id is
 * freed for a new user, and no id a tenant sends can take this one (ExternalUserId refuses it).
 */
export const ERASED_EXTERNAL_ID_PREFIX = 'heyyo-erased:';

/** A user's own id in the tenant's system (the "external id"). */
export const ExternalUserId = Type.String({
  minLength: 1,
  maxLength: 255,
  pattern: `^(?!${ERASED_EXTERNAL_ID_PREFIX})`,
  description: `Any id of yours, except one starting with \`${ERASED_EXTERNAL_ID_PREFIX}\` (what an erased user's id becomes).`,
  examples: ['user-123'],
});
export const DisplayName = Type.String({ maxLength: 255, examples: ['Jane Doe'] });
/** http(s) only: clients render it, so `javascript:` and `data:` URLs are refused. */
export const AvatarUrl = Type.String({ maxLength: 2048, format: 'http-url', examples: ['https://example.com/jane.png'] });

/** Idempotency key of a send: a retry with the same key gets the original message. */
export const ClientMessageId = Type.String({ minLength: 1, maxLength: 128, examples: ['9f1c2d3e-local-1'] });

/** A reaction's name, e.g. `:heart:` or `👍`. */
export const ReactionType = Type.String({ minLength: 1, maxLength: 64, examples: [':thumbsup:'] });

/** `{ "message": "…" }`: the seed's confirmation of an action. */
export const Confirmation = Strict({ message: Type.String() }, { title: 'Confirmation' });

/**
 * A position a client names (read up to, catch up after). Bounded by the largest integer a
 * JSON number carries exactly, far inside Postgres' bigint: a larger one is a 400, not a 500.
 */
export const SeqInput = (description: string) => Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER, description });
