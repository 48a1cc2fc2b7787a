import { describe, expect, it } from 'vitest';
import type { MessageLine, ReactionLine } from './format.ts';
import { createIdMapping, uuidV5 } from './id-mapping.ts';
import { mapLine } from './importer.ts';

const SOURCE = '00000000-0000-4000-8000-00000000000a';
const TARGET = '00000000-0000-4000-8000-00000000000b';
const id = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
const reply: MessageLine = {
  kind: 'message', id: id(1), channel_id: id(2), user_id: id(3), seq: 2, text: 'x', attachments: [], metadata: {},
  parent_id: id(4), client_id: null, created_at: '2026-01-01T00:00:00Z', updated_at: '2026-01-01T00:00:00Z',
  deleted_at: null, edited_at: null, pinned_at: '2026-01-01T00:00:01Z', pinned_by: id(5),
};

describe('mapLine', () => {
  it('leaves a line as it is when restoring into its own app', () => {
    expect(mapLine(reply, createIdMapping(SOURCE, SOURCE))).toBe(reply);
  });

  it('maps every id a message names into another app, users through their stored ids', () => {
    const ids = createIdMapping(SOURCE, TARGET);
    ids.useUser(id(3), id(33));
    const derived = (n: number) => uuidV5(`${TARGET}:${id(n)}`);
    expect(mapLine(reply, ids)).toEqual({ ...reply, id: derived(1), channel_id: derived(2), user_id: id(33), parent_id: derived(4), pinned_by: derived(5) });
    const reaction: ReactionLine = { kind: 'reaction', message_id: id(1), user_id: id(3), type: ':x:', created_at: reply.created_at, version: 0, removed_at: null };
    expect(mapLine(reaction, ids)).toEqual({ ...reaction, message_id: derived(1), user_id: id(33) });
  });

  it('maps a user matched by external_id in the same app, and only that', () => {
    const ids = createIdMapping(SOURCE, SOURCE);
    ids.useUser(id(3), id(33));
    expect(mapLine(reply, ids)).toEqual({ ...reply, user_id: id(33) });
  });
});
