import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { mergeBySeq, toChatMessage, withReaction, type ChatMessage } from './messages.ts';

const bySeq = (seqs: number[]) => seqs.map((seq) => ({ seq, id: `m${seq}` }) as ChatMessage);

describe('mergeBySeq', () => {
  it('holds every seq once, in order, however pages and live messages interleave', () => {
    fc.assert(
      fc.property(fc.array(fc.array(fc.integer({ min: 1, max: 60 }), { maxLength: 20 }), { maxLength: 8 }), (batches) => {
        const merged = batches.reduce((held, batch) => mergeBySeq(held, bySeq(batch)), [] as ChatMessage[]);
        const expected = [...new Set(batches.flat())].sort((a, b) => a - b);
        expect(merged.map((m) => m.seq)).toEqual(expected);
      }),
    );
  });

  it('replaces a held message with its newer copy', () => {
    const held = [{ seq: 1, id: 'a', text: 'old' }] as ChatMessage[];
    expect(mergeBySeq(held, [{ seq: 1, id: 'a', text: 'new' } as ChatMessage])[0]!.text).toBe('new');
  });
});

describe('withReaction', () => {
  it('is idempotent: a replayed reaction event changes nothing', () => {
    const once = withReaction({}, ':heart:', 'ana', true);
    expect(withReaction(once, ':heart:', 'ana', true)).toBe(once);
    expect(once).toEqual({ ':heart:': ['ana'] });
    expect(withReaction(once, ':heart:', 'ana', false)).toEqual({});
    expect(withReaction({}, ':heart:', 'ana', false)).toEqual({});
  });
});

describe('toChatMessage', () => {
  const base = {
    id: 'm1',
    channel_id: 'c',
    user_id: 'u',
    seq: 1,
    text: 'hi',
    attachments: [],
    metadata: {},
    parent_id: null,
    client_id: null,
    created_at: '2026-11-30T09:00:00.000Z',
    updated_at: '2026-11-30T09:00:00.000Z',
    deleted_at: null,
    edited_at: null,
    reply_count: 0,
    last_reply_at: null,
    pinned_at: null,
    pinned_by: null,
  };

  it('reads reactions from a history page, one entry per (type, user)', () => {
    const listed = toChatMessage({
      ...base,
      user_external_id: 'ana',
      user_display_name: 'Ana',
      user_avatar_url: null,
      reactions: [
        { type: ':heart:', user_id: 'u1', count: 1 },
        { type: ':heart:', user_id: 'u2', count: 1 },
      ],
      reaction_counts: { ':heart:': 2 },
    });
    expect(listed.reactions).toEqual({ ':heart:': ['u1', 'u2'] });
    expect(listed.author).toEqual({ externalId: 'ana', displayName: 'Ana', avatarUrl: null });
  });

  it('keeps the reactions it held when a change (message.updated) carries none', () => {
    const held = { reactions: { ':eyes:': ['u1'] } } as unknown as ChatMessage;
    const updated = toChatMessage({ ...base, text: 'edited', user: { external_id: 'ana', display_name: null, avatar_url: null } }, held);
    expect(updated.reactions).toEqual({ ':eyes:': ['u1'] });
    expect(updated.text).toBe('edited');
  });
});
