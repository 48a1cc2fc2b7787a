import type { Readable } from 'node:stream';
import { FORMAT_NAME, FORMAT_VERSION, type AnyLine, type MemberLine, type MessageLine } from './format.ts';
import { hygieneIssue } from './hygiene.ts';
import { uuidV5 } from './id-mapping.ts';
import type { InputLine } from './line-reader.ts';

/*
 * A dump of a @tegrabox/chat-sdk project (seed 002), turned into our export format so the one
 * importer stores it. What the SDK's types describe:
 *   ChatUser { id, username, external_user_id?, display_name?, email?, status? }
 *   Room     { id, name, created_by, members?: user ids }
 *   Message  { id, room_id, user_id, content, created_at }
 * Input: NDJSON, one record a line with `"kind": "user" | "room" | "message"` (what a script
 * paging users.list, rooms.list and messages.list writes), or one JSON document
 * `{ "users": [...], "rooms": [...], "messages": [...] }`.
 * Mapping: username → external_id; external_user_id, email, status and the tegrabox id → the
 * user's metadata; room → channel (type messaging; created_by its owner, members and authors its
 * members); content → text. Ids are UUID v5 of (app, kind, tegrabox id), so a re-run stores the
 * same rows again (idempotent). Seqs follow created_at (then id) within each room.
 * The whole dump is read and checked first (seqs need every message of a room), bounded by
 * maxBytes; one bad record and nothing is imported.
 */

/** The largest dump read (it is held in memory to number each room's messages). */
export const TEGRABOX_MAX_BYTES = 512 * 1024 * 1024;

export class TegraboxRefused extends Error {
  constructor(readonly errors: string[]) {
    super(`the tegrabox dump was not imported:\n${errors.join('\n')}`);
  }
}

interface Located<T> {
  where: string;
  /** Line in the dump (NDJSON), for the lines handed to the importer. */
  number: number;
  record: T;
}

interface TegraboxUser {
  id: string;
  username: string;
  external_user_id: string | null;
  display_name: string | null;
  email: string | null;
  status: string | null;
  created_at: string | null;
}
interface TegraboxRoom {
  id: string;
  name: string;
  created_by: string;
  members: string[];
  created_at: string | null;
}
interface TegraboxMessage {
  id: string;
  room_id: string;
  user_id: string;
  content: string;
  created_at: string;
}

type Fields = Record<string, unknown>;
class Invalid extends Error {}

const ID_MAX = 255;
function text(fields: Fields, name: string, max: number, optional = false): string | null {
  const value = fields[name];
  if ((value === undefined || value === null) && optional) return null;
  if (typeof value === 'number' && Number.isSafeInteger(value) && max === ID_MAX) return String(value);
  if (typeof value !== 'string' || value.length === 0) throw new Invalid(`${name} must be a non-empty string`);
  if (value.length > max) throw new Invalid(`${name} must be at most ${max} characters`);
  return value;
}
function time(fields: Fields, name: string, optional = false): string | null {
  const value = fields[name];
  if ((value === undefined || value === null) && optional) return null;
  if (typeof value !== 'string' || Number.isNaN(Date.parse(value))) throw new Invalid(`${name} must be a timestamp`);
  return new Date(value).toISOString();
}

function userOf(fields: Fields): TegraboxUser {
  return {
    id: text(fields, 'id', ID_MAX)!,
    username: text(fields, 'username', 255)!,
    external_user_id: text(fields, 'external_user_id', 255, true),
    display_name: text(fields, 'display_name', 255, true),
    email: text(fields, 'email', 320, true),
    status: text(fields, 'status', 64, true),
    created_at: time(fields, 'created_at', true),
  };
}
function roomOf(fields: Fields): TegraboxRoom {
  const members = fields.members ?? [];
  if (!Array.isArray(members) || members.length > 100_000) throw new Invalid('members must be an array of user ids');
  return {
    id: text(fields, 'id', ID_MAX)!,
    name: text(fields, 'name', 200)!,
    created_by: text(fields, 'created_by', ID_MAX)!,
    members: members.map((member, index) => text({ [`members[${index}]`]: member }, `members[${index}]`, ID_MAX)!),
    created_at: time(fields, 'created_at', true),
  };
}
function messageOf(fields: Fields, maxText: number): TegraboxMessage {
  return {
    id: text(fields, 'id', ID_MAX)!,
    room_id: text(fields, 'room_id', ID_MAX)!,
    user_id: text(fields, 'user_id', ID_MAX)!,
    content: text(fields, 'content', maxText)!,
    created_at: time(fields, 'created_at')!,
  };
}

export interface TegraboxOptions {
  /** The Heyyo app the dump goes into (its ids are derived from it). */
  appId: string;
  maxBytes: number;
  maxLineBytes: number;
  /** Longest message text (config limits.messageTextLength). @defaultValue 4000 */
  messageTextLength?: number;
}

/** The dump's records, checked, with where each came from. */
interface Dump {
  users: Located<TegraboxUser>[];
  rooms: Located<TegraboxRoom>[];
  messages: Located<TegraboxMessage>[];
  errors: string[];
}

async function readAll(stream: Readable, maxBytes: number): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > maxBytes) throw new TegraboxRefused([`the dump is larger than ${maxBytes} bytes`]);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** Parses the dump (NDJSON or one document) into checked records. */
export function parseTegraboxDump(content: string, options: Pick<TegraboxOptions, 'maxLineBytes' | 'messageTextLength'>): Dump {
  const dump: Dump = { users: [], rooms: [], messages: [], errors: [] };
  const maxText = options.messageTextLength ?? 4000;
  const take = (kind: unknown, fields: unknown, where: string, number: number) => {
    try {
      if (typeof fields !== 'object' || fields === null || Array.isArray(fields)) throw new Invalid('not a JSON object');
      const issue = hygieneIssue(fields);
      if (issue) throw new Invalid(issue);
      const record = fields as Fields;
      if (kind === 'user') dump.users.push({ where, number, record: userOf(record) });
      else if (kind === 'room') dump.rooms.push({ where, number, record: roomOf(record) });
      else if (kind === 'message') dump.messages.push({ where, number, record: messageOf(record, maxText) });
      else throw new Invalid(`unknown kind ${JSON.stringify(kind)?.slice(0, 40)} (user, room or message)`);
    } catch (error) {
      if (!(error instanceof Invalid)) throw error;
      dump.errors.push(`${where}: ${error.message}`);
    }
  };
  let document: unknown;
  try {
    document = JSON.parse(content);
  } catch {
    document = undefined;
  }
  if (typeof document === 'object' && document !== null && !Array.isArray(document) && !('kind' in document)) {
    const arrays = document as Record<string, unknown>;
    for (const [key, kind] of [['users', 'user'], ['rooms', 'room'], ['messages', 'message']] as const) {
      const items = arrays[key] ?? [];
      if (!Array.isArray(items)) dump.errors.push(`${key}: must be an array`);
      else items.forEach((item, index) => take(kind, item, `${key}[${index}]`, index + 1));
    }
    return dump;
  }
  content.split('\n').forEach((raw, index) => {
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (line.trim() === '') return;
    const where = `line ${index + 1}`;
    if (Buffer.byteLength(line) > options.maxLineBytes) return void dump.errors.push(`${where}: longer than ${options.maxLineBytes} bytes`);
    let fields: unknown;
    try {
      fields = JSON.parse(line);
    } catch {
      return void dump.errors.push(`${where}: not valid JSON`);
    }
    take((fields as Fields | null)?.kind, fields, where, index + 1);
  });
  return dump;
}

const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** The dump as lines of our format (the importer's input), or the list of what is wrong with it. */
export function tegraboxToLines(dump: Dump, appId: string, now: string = new Date().toISOString()): InputLine[] {
  const errors = [...dump.errors];
  const idOf = (kind: string, id: string) => uuidV5(`${appId}:tegrabox:${kind}:${id}`);
  const users = new Map(dump.users.map((user) => [user.record.id, user]));
  const rooms = new Map(dump.rooms.map((room) => [room.record.id, room]));
  const usernames = new Set<string>();
  for (const { where, record } of dump.users) {
    if (usernames.has(record.username)) errors.push(`${where}: username ${record.username} appears twice`);
    usernames.add(record.username);
  }
  const needUser = (where: string, id: string, as: string) => {
    if (!users.has(id)) errors.push(`${where}: ${as} ${id} is not a user of the dump`);
  };
  for (const { where, record } of dump.rooms) {
    needUser(where, record.created_by, 'created_by');
    record.members.forEach((member) => needUser(where, member, 'member'));
  }
  for (const { where, record } of dump.messages) {
    needUser(where, record.user_id, 'user_id');
    if (!rooms.has(record.room_id)) errors.push(`${where}: room_id ${record.room_id} is not a room of the dump`);
  }
  if (errors.length > 0) throw new TegraboxRefused(errors.slice(0, 100));

  const lines: InputLine[] = [];
  const push = (number: number, line: AnyLine) => lines.push({ number, text: JSON.stringify(line) });
  push(0, { kind: 'header', format: FORMAT_NAME, version: FORMAT_VERSION, app_id: appId, exported_at: now });
  const byRoom = new Map<string, Located<TegraboxMessage>[]>();
  for (const message of dump.messages) {
    const list = byRoom.get(message.record.room_id) ?? [];
    list.push(message);
    byRoom.set(message.record.room_id, list);
  }
  // A user's or room's creation: its own when the dump has one, else its first message's, else now.
  const firstMessageAt = new Map<string, string>();
  for (const { record } of [...dump.messages].sort((a, b) => compare(a.record.created_at, b.record.created_at))) {
    if (!firstMessageAt.has(record.user_id)) firstMessageAt.set(record.user_id, record.created_at);
    if (!firstMessageAt.has(`room:${record.room_id}`)) firstMessageAt.set(`room:${record.room_id}`, record.created_at);
  }
  for (const { number, record } of dump.users) {
    const createdAt = record.created_at ?? firstMessageAt.get(record.id) ?? now;
    push(number, {
      kind: 'user',
      id: idOf('user', record.id),
      external_id: record.username,
      display_name: record.display_name,
      avatar_url: null,
      metadata: {
        tegrabox_id: record.id,
        ...(record.external_user_id === null ? {} : { external_user_id: record.external_user_id }),
        ...(record.email === null ? {} : { email: record.email }),
        ...(record.status === null ? {} : { status: record.status }),
      },
      deactivated_at: null,
      erased_at: null,
      created_at: createdAt,
      updated_at: createdAt,
    });
  }
  for (const { number, record } of dump.rooms) {
    const createdAt = record.created_at ?? firstMessageAt.get(`room:${record.id}`) ?? now;
    push(number, {
      kind: 'channel',
      id: idOf('room', record.id),
      type: 'messaging',
      name: record.name,
      description: null,
      metadata: { tegrabox_id: record.id },
      created_by: idOf('user', record.created_by),
      slow_mode_seconds: 0,
      deleted_at: null,
      created_at: createdAt,
      updated_at: createdAt,
    });
  }
  for (const { number, record } of dump.rooms) {
    // The creator owns the room (the SDK adds them as a member); listed members and authors are members.
    const members = new Map<string, MemberLine['role']>([[record.created_by, 'owner']]);
    for (const member of record.members) if (!members.has(member)) members.set(member, 'member');
    for (const { record: message } of byRoom.get(record.id) ?? []) if (!members.has(message.user_id)) members.set(message.user_id, 'member');
    const joinedAt = record.created_at ?? firstMessageAt.get(`room:${record.id}`) ?? now;
    for (const [userId, role] of members) {
      push(number, { kind: 'member', channel_id: idOf('room', record.id), user_id: idOf('user', userId), role, joined_at: joinedAt });
    }
  }
  for (const [roomId, messages] of byRoom) {
    messages.sort((a, b) => compare(a.record.created_at, b.record.created_at) || compare(a.record.id, b.record.id));
    messages.forEach(({ number, record }, index) => {
      const line: MessageLine = {
        kind: 'message',
        id: idOf('message', record.id),
        channel_id: idOf('room', roomId),
        user_id: idOf('user', record.user_id),
        seq: index + 1,
        text: record.content,
        attachments: [],
        metadata: { tegrabox_id: record.id },
        parent_id: null,
        client_id: null,
        created_at: record.created_at,
        updated_at: record.created_at,
        deleted_at: null,
        edited_at: null,
        pinned_at: null,
        pinned_by: null,
      };
      push(number, line);
    });
  }
  return lines;
}

/** Reads, checks and converts a whole dump; throws TegraboxRefused listing what is wrong. */
export async function tegraboxLines(stream: Readable, options: TegraboxOptions): Promise<InputLine[]> {
  const content = await readAll(stream, options.maxBytes);
  return tegraboxToLines(parseTegraboxDump(content, options), options.appId);
}
