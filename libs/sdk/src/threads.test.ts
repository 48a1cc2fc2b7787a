import { describe, expect, it } from 'vitest';
import { applyReply } from './threads.ts';

const parent = { id: 'p', reply_count: 1, last_reply_at: '2026-01-31T12:00:00.001Z' };
const replyAt = (created_at: string, fields: { parent_id?: string | null; deleted_at?: string | null } = {}) => ({
  parent_id: 'p',
  deleted_at: null,
  created_at,
  ...fields,
});

describe('applyReply', () => {
  it('counts a reply newer than the parent’s newest, and moves last_reply_at to it', () => {
    expect(applyReply(parent, replyAt('2026-01-31T12:00:00.002Z'))).toEqual({
      id: 'p',
      reply_count: 2,
      last_reply_at: '2026-01-31T12:00:00.002Z',
    });
    expect(applyReply({ ...parent, reply_count: 0, last_reply_at: null }, replyAt('2026-01-31T12:00:00.000Z'))).toMatchObject({
      reply_count: 1,
    });
  });

  it('counts each reply once: one the parent already counts changes nothing', () => {
    const once = applyReply(parent, replyAt('2026-01-31T12:00:00.002Z'));
    expect(applyReply(once, replyAt('2026-01-31T12:00:00.002Z'))).toBe(once);
    expect(applyReply(parent, replyAt('2026-01-31T12:00:00.000Z'))).toBe(parent);
  });

  it('leaves the parent alone for another thread, a message that is no reply, or a tombstone', () => {
    expect(applyReply(parent, replyAt('2026-01-31T12:00:01.000Z', { parent_id: 'q' }))).toBe(parent);
    expect(applyReply(parent, replyAt('2026-01-31T12:00:01.000Z', { parent_id: null }))).toBe(parent);
    expect(applyReply(parent, replyAt('2026-01-31T12:00:01.000Z', { deleted_at: '2026-01-31T12:00:02.000Z' }))).toBe(parent);
  });
});
