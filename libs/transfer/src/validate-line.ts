import { FORMAT_NAME, FORMAT_VERSION, KIND_ORDER, type AnyLine, type Kind } from './format.ts';
import { hygieneIssue, mayBreakHygiene } from './hygiene.ts';
import { timestampMicros } from './iso-timestamp.ts';
import { isLowercaseUuid } from './uuid-text.ts';
import { jsonText } from './copy-text.ts';

/** Bounds on imported values: the server's own limits (config `limits`), so an import stores nothing a send could not. */
export interface LineLimits {
  /** @defaultValue 4000 (HEYYO_MAX_TEXT_LENGTH) */
  messageTextLength: number;
  /** @defaultValue 10 (HEYYO_MAX_ATTACHMENTS) */
  attachments: number;
  /** Serialized size of a metadata object or one attachment. @defaultValue 8192 (HEYYO_MAX_METADATA_BYTES) */
  metadataBytes: number;
}

export type Checked<T> = { ok: true; value: T } | { ok: false; reason: string };

class Invalid extends Error {}
const fail = (reason: string): never => {
  throw new Invalid(reason);
};

type Fields = Record<string, unknown>;

/** A ban's or mute's reason, as the API bounds it (BanRequest). */
const MAX_REASON_LENGTH = 500;

function string(fields: Fields, name: string, max: number, min = 1): string {
  const value = fields[name];
  if (typeof value !== 'string') return fail(`${name} must be a string`);
  if (value.length < min) return fail(`${name} must not be empty`);
  if (value.length > max) return fail(`${name} must be at most ${max} characters`);
  return value;
}
const nullableString = (fields: Fields, name: string, max: number) =>
  fields[name] === null || fields[name] === undefined ? null : string(fields, name, max, 0);

function uuid(fields: Fields, name: string): string {
  const value = fields[name];
  if (typeof value !== 'string' || !isLowercaseUuid(value)) return fail(`${name} must be a lowercase UUID`);
  return value;
}
const nullableUuid = (fields: Fields, name: string) => (fields[name] === null || fields[name] === undefined ? null : uuid(fields, name));

function timestamp(fields: Fields, name: string): string {
  const value = fields[name];
  // ISO 8601 with a zone, as Postgres and Date#toISOString write it, and a date Postgres takes.
  if (typeof value !== 'string' || timestampMicros(value) === undefined) {
    return fail(`${name} must be an ISO 8601 timestamp with a time zone`);
  }
  return value;
}
const nullableTimestamp = (fields: Fields, name: string) =>
  fields[name] === null || fields[name] === undefined ? null : timestamp(fields, name);

function integer(fields: Fields, name: string, min: number, max = Number.MAX_SAFE_INTEGER): number {
  const value = fields[name];
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    return fail(`${name} must be an integer from ${min} to ${max}`);
  }
  return value;
}

function object(fields: Fields, name: string, maxBytes: number): Record<string, unknown> {
  const value = fields[name] ?? {};
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return fail(`${name} must be an object`);
  if (Buffer.byteLength(jsonText(value)) > maxBytes) return fail(`${name} must be at most ${maxBytes} bytes as JSON`);
  return value as Record<string, unknown>;
}

function attachments(fields: Fields, limits: LineLimits): Record<string, unknown>[] {
  const value = fields.attachments ?? [];
  if (!Array.isArray(value)) return fail('attachments must be an array');
  if (value.length > limits.attachments) return fail(`attachments must hold at most ${limits.attachments} items`);
  value.forEach((item, index) => object({ [`attachments.${index}`]: item }, `attachments.${index}`, limits.metadataBytes));
  return value as Record<string, unknown>[];
}

function oneOf<T extends string>(fields: Fields, name: string, values: readonly T[]): T {
  const value = fields[name];
  if (!values.includes(value as T)) return fail(`${name} must be one of ${values.join(', ')}`);
  return value as T;
}

/** Builds the typed line of `kind` from its parsed fields, or throws Invalid. */
function lineOf(kind: Kind, fields: Fields, limits: LineLimits): AnyLine {
  switch (kind) {
    case 'header': {
      if (fields.format !== FORMAT_NAME) fail(`format must be "${FORMAT_NAME}"`);
      const version = integer(fields, 'version', 1);
      if (version > FORMAT_VERSION) fail(`version ${version} is newer than this importer reads (${FORMAT_VERSION})`);
      return { kind, format: FORMAT_NAME, version, app_id: uuid(fields, 'app_id'), exported_at: timestamp(fields, 'exported_at') };
    }
    case 'app':
      return { kind, id: uuid(fields, 'id'), name: string(fields, 'name', 200), created_at: timestamp(fields, 'created_at') };
    case 'user':
      return {
        kind,
        id: uuid(fields, 'id'),
        external_id: string(fields, 'external_id', 255),
        display_name: nullableString(fields, 'display_name', 255),
        avatar_url: nullableString(fields, 'avatar_url', 2048),
        metadata: object(fields, 'metadata', limits.metadataBytes),
        deactivated_at: nullableTimestamp(fields, 'deactivated_at'),
        erased_at: nullableTimestamp(fields, 'erased_at'),
        created_at: timestamp(fields, 'created_at'),
        updated_at: timestamp(fields, 'updated_at'),
      };
    case 'app_ban':
      return {
        kind,
        user_id: uuid(fields, 'user_id'),
        reason: nullableString(fields, 'reason', MAX_REASON_LENGTH),
        created_at: timestamp(fields, 'created_at'),
        expires_at: nullableTimestamp(fields, 'expires_at'),
      };
    case 'restriction':
      return {
        kind,
        channel_id: uuid(fields, 'channel_id'),
        user_id: uuid(fields, 'user_id'),
        type: oneOf(fields, 'type', ['ban', 'mute'] as const),
        reason: nullableString(fields, 'reason', MAX_REASON_LENGTH),
        created_by: nullableUuid(fields, 'created_by'),
        created_at: timestamp(fields, 'created_at'),
        expires_at: nullableTimestamp(fields, 'expires_at'),
      };
    case 'channel':
      return {
        kind,
        id: uuid(fields, 'id'),
        type: string(fields, 'type', 64),
        name: string(fields, 'name', 200),
        description: nullableString(fields, 'description', 2000),
        metadata: object(fields, 'metadata', limits.metadataBytes),
        created_by: uuid(fields, 'created_by'),
        slow_mode_seconds: integer(fields, 'slow_mode_seconds', 0, 86_400),
        deleted_at: nullableTimestamp(fields, 'deleted_at'),
        created_at: timestamp(fields, 'created_at'),
        updated_at: timestamp(fields, 'updated_at'),
      };
    case 'member':
      return {
        kind,
        channel_id: uuid(fields, 'channel_id'),
        user_id: uuid(fields, 'user_id'),
        role: oneOf(fields, 'role', ['owner', 'moderator', 'member'] as const),
        joined_at: timestamp(fields, 'joined_at'),
      };
    case 'message':
      return {
        kind,
        id: uuid(fields, 'id'),
        channel_id: uuid(fields, 'channel_id'),
        user_id: uuid(fields, 'user_id'),
        seq: integer(fields, 'seq', 1),
        text: nullableString(fields, 'text', limits.messageTextLength),
        attachments: attachments(fields, limits),
        metadata: object(fields, 'metadata', limits.metadataBytes),
        parent_id: nullableUuid(fields, 'parent_id'),
        client_id: nullableString(fields, 'client_id', 128),
        created_at: timestamp(fields, 'created_at'),
        updated_at: timestamp(fields, 'updated_at'),
        deleted_at: nullableTimestamp(fields, 'deleted_at'),
        edited_at: nullableTimestamp(fields, 'edited_at'),
        pinned_at: nullableTimestamp(fields, 'pinned_at'),
        pinned_by: nullableUuid(fields, 'pinned_by'),
      };
    case 'reaction':
      return {
        kind,
        message_id: uuid(fields, 'message_id'),
        user_id: uuid(fields, 'user_id'),
        type: string(fields, 'type', 64),
        created_at: timestamp(fields, 'created_at'),
        version: integer(fields, 'version', 0),
        removed_at: nullableTimestamp(fields, 'removed_at'),
      };
    case 'read_state':
      return {
        kind,
        channel_id: uuid(fields, 'channel_id'),
        user_id: uuid(fields, 'user_id'),
        last_read_seq: integer(fields, 'last_read_seq', 0),
      };
  }
}

/**
 * One line of an export file, parsed and checked on its own: JSON, a known kind, every field
 * present with its type and bound, input hygiene. (Order and references are checked by the
 * importer, which sees the lines around it.)
 */
export function validateLine(text: string, limits: LineLimits): Checked<AnyLine> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return { ok: false, reason: 'not valid JSON' };
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return { ok: false, reason: 'not a JSON object' };
  const fields = parsed as Fields;
  if (!KIND_ORDER.includes(fields.kind as Kind)) return { ok: false, reason: `unknown kind ${JSON.stringify(fields.kind)?.slice(0, 40)}` };
  if (mayBreakHygiene(text)) {
    const issue = hygieneIssue(parsed);
    if (issue) return { ok: false, reason: issue };
  }
  try {
    return { ok: true, value: lineOf(fields.kind as Kind, fields, limits) };
  } catch (error) {
    if (error instanceof Invalid) return { ok: false, reason: `${fields.kind}: ${error.message}` };
    throw error;
  }
}
