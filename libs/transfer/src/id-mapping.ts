import { createHash } from 'node:crypto';

/** The namespace of every id the transfer derives (a fixed random UUID; changing it changes every derived id). */
export const TRANSFER_NAMESPACE = '6f7d3c1e-58a4-4b8e-9d0c-2f1a4e5b7c90';

const namespaceBytes = (namespace: string) => Buffer.from(namespace.replaceAll('-', ''), 'hex');

/** RFC 9562 UUID version 5 (SHA-1) of `name` in `namespace`: the same inputs always give the same id. */
export function uuidV5(name: string, namespace: string = TRANSFER_NAMESPACE): string {
  const hash = createHash('sha1').update(namespaceBytes(namespace)).update(name, 'utf8').digest();
  hash[6] = (hash[6]! & 0x0f) | 0x50;
  hash[8] = (hash[8]! & 0x3f) | 0x80;
  const hex = hash.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/**
 * How the ids of a file become the ids stored in the target app. Restoring into the app the file
 * came from keeps every id. Into another app, every id is derived from (target app, old id), so the
 * copy never collides with the source app's rows in the same database, and a re-run derives the
 * same ids (idempotent). Users are matched by external_id on top of that (see `useUser`).
 */
export interface IdMapping {
  /** A channel's or message's id in the target app. */
  row(id: string): string;
  /** A user's id in the target app. */
  user(id: string): string;
  /** Records that the file's user `id` is stored as `storedId` (an existing user with the same external_id). */
  useUser(id: string, storedId: string): void;
  /** True while every id maps to itself (the same app, no user matched under another id): lines need no copy. */
  isIdentity(): boolean;
}

export function createIdMapping(sourceAppId: string, targetAppId: string): IdMapping {
  const sameApp = sourceAppId === targetAppId;
  const row = sameApp ? (id: string) => id : (id: string) => uuidV5(`${targetAppId}:${id}`);
  // Only the users whose stored id differs from what `row` gives (bounded by the app's users).
  const users = new Map<string, string>();
  return {
    row,
    user: (id) => users.get(id) ?? row(id),
    useUser(id, storedId) {
      if (storedId !== row(id)) users.set(id, storedId);
    },
    isIdentity: () => sameApp && users.size === 0,
  };
}
