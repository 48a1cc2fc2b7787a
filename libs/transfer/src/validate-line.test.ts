import { describe, expect, it } from 'vitest';
import { validateLine } from './validate-line.ts';

const LIMITS = { messageTextLength: 20, attachments: 2, metadataBytes: 64 };
const message = {
  kind: 'message',
  id: '00000000-0000-4000-8000-000000000001',
  channel_id: '00000000-0000-4000-8000-000000000002',
  user_id: '00000000-0000-4000-8000-000000000003',
  seq: 1,
  text: 'hello',
  attachments: [],
  metadata: {},
  parent_id: null,
  client_id: null,
  created_at: '2026-01-01T00:00:00.123456+00:00',
  updated_at: '2026-01-01T00:00:00Z',
  deleted_at: null,
  edited_at: null,
  pinned_at: null,
  pinned_by: null,
};
const check = (fields: Record<string, unknown>) => validateLine(JSON.stringify({ ...message, ...fields }), LIMITS);

describe('validateLine', () => {
  it('accepts a complete line and returns only the format fields', () => {
    expect(check({ extra: 'ignored' })).toEqual({ ok: true, value: message });
  });

  it('names the field and the rule a line breaks', () => {
    expect(check({ seq: 0 })).toEqual({ ok: false, reason: 'message: seq must be an integer from 1 to 9007199254740991' });
    expect(check({ seq: 1.5 })).toMatchObject({ reason: expect.stringMatching(/^message: seq must be an integer/) });
    expect(check({ id: 'not-a-uuid' })).toEqual({ ok: false, reason: 'message: id must be a lowercase UUID' });
    expect(check({ text: 'x'.repeat(21) })).toEqual({ ok: false, reason: 'message: text must be at most 20 characters' });
    expect(check({ attachments: [{}, {}, {}] })).toEqual({ ok: false, reason: 'message: attachments must hold at most 2 items' });
    expect(check({ metadata: { big: 'x'.repeat(64) } })).toEqual({ ok: false, reason: 'message: metadata must be at most 64 bytes as JSON' });
    expect(check({ metadata: [] })).toEqual({ ok: false, reason: 'message: metadata must be an object' });
    expect(check({ created_at: '2026-01-01' })).toEqual({ ok: false, reason: 'message: created_at must be an ISO 8601 timestamp with a time zone' });
    // Dates JavaScript's Date.parse takes (and moves) but Postgres refuses: found here, with the line, not as a failed COPY.
    expect(check({ updated_at: '2026-02-30T00:00:00Z' })).toEqual({ ok: false, reason: 'message: updated_at must be an ISO 8601 timestamp with a time zone' });
    expect(check({ created_at: '0000-01-01T00:00:00Z' })).toEqual({ ok: false, reason: 'message: created_at must be an ISO 8601 timestamp with a time zone' });
    expect(check({ created_at: '2026-13-45T00:00:00Z' })).toMatchObject({ ok: false });
    expect(check({ channel_id: undefined })).toEqual({ ok: false, reason: 'message: channel_id must be a lowercase UUID' });
  });

  it('refuses what is not a JSON object of a known kind', () => {
    expect(validateLine('{"kind":"message",', LIMITS)).toEqual({ ok: false, reason: 'not valid JSON' });
    expect(validateLine('[1,2]', LIMITS)).toEqual({ ok: false, reason: 'not a JSON object' });
    expect(validateLine('{"kind":"secret"}', LIMITS)).toEqual({ ok: false, reason: 'unknown kind "secret"' });
    expect(validateLine('{"kind":"member","channel_id":"00000000-0000-4000-8000-000000000002","user_id":"00000000-0000-4000-8000-000000000003","role":"admin","joined_at":"2026-01-01T00:00:00Z"}', LIMITS)).toEqual({
      ok: false,
      reason: 'member: role must be one of owner, moderator, member',
    });
  });

  it('applies input hygiene wherever an escape could hide a NUL or a lone surrogate', () => {
    expect(check({ text: 'a\u0000b' })).toEqual({ ok: false, reason: 'text must not contain NUL (\\u0000) characters' });
    expect(check({ metadata: { deep: '\ud800' } })).toEqual({ ok: false, reason: 'metadata.deep must not contain unpaired UTF-16 surrogates' });
    expect(check({ metadata: { ['k\u0000']: 1 } })).toEqual({ ok: false, reason: 'a key of metadata must not contain NUL (\\u0000) characters' });
    expect(check({ text: '👍 \\u is fine' })).toMatchObject({ ok: true });
  });

  it('checks bans and mutes: their type, reason and times', () => {
    const restriction = { kind: 'restriction', channel_id: message.id, user_id: message.id, type: 'mute', reason: null, created_by: null, created_at: '2026-01-01T00:00:00Z', expires_at: null };
    expect(validateLine(JSON.stringify(restriction), LIMITS)).toMatchObject({ ok: true });
    expect(validateLine(JSON.stringify({ ...restriction, type: 'kick' }), LIMITS)).toEqual({ ok: false, reason: 'restriction: type must be one of ban, mute' });
    expect(validateLine(JSON.stringify({ ...restriction, reason: 'r'.repeat(501) }), LIMITS)).toEqual({ ok: false, reason: 'restriction: reason must be at most 500 characters' });
    const ban = { kind: 'app_ban', user_id: message.id, reason: 'abuse', created_at: '2026-01-01T00:00:00Z', expires_at: 'tomorrow' };
    expect(validateLine(JSON.stringify(ban), LIMITS)).toEqual({ ok: false, reason: 'app_ban: expires_at must be an ISO 8601 timestamp with a time zone' });
  });

  it('reads only header versions it knows', () => {
    const header = { kind: 'header', format: 'heyyo-ndjson', app_id: message.id, exported_at: '2026-01-01T00:00:00Z' };
    expect(validateLine(JSON.stringify({ ...header, version: 1 }), LIMITS)).toMatchObject({ ok: true });
    expect(validateLine(JSON.stringify({ ...header, version: 2 }), LIMITS)).toMatchObject({ ok: true });
    expect(validateLine(JSON.stringify({ ...header, version: 3 }), LIMITS)).toEqual({ ok: false, reason: 'header: version 3 is newer than this importer reads (2)' });
    expect(validateLine(JSON.stringify({ ...header, version: 1, format: 'other' }), LIMITS)).toEqual({ ok: false, reason: 'header: format must be "heyyo-ndjson"' });
  });
});
