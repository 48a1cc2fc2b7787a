import { describe, expect, it } from 'vitest';
import { createIdMapping, uuidV5 } from './id-mapping.ts';

describe('uuidV5', () => {
  it('matches the RFC 9562 example (DNS namespace, www.example.com)', () => {
    expect(uuidV5('www.example.com', '6ba7b810-9dad-11d1-80b4-00c04fd430c8')).toBe('2ed6657d-e927-568b-95e1-2665a8aea6a2');
  });
});

describe('createIdMapping', () => {
  const source = '00000000-0000-4000-8000-00000000000a';
  const target = '00000000-0000-4000-8000-00000000000b';
  const id = '00000000-0000-4000-8000-000000000001';

  it('keeps ids when restoring into the same app', () => {
    const ids = createIdMapping(source, source);
    expect(ids.row(id)).toBe(id);
    expect(ids.user(id)).toBe(id);
    expect(ids.isIdentity()).toBe(true);
    // A user already stored under another id with the same external id: no longer the identity.
    ids.useUser(id, 'existing');
    expect(ids.isIdentity()).toBe(false);
    expect(ids.user(id)).toBe('existing');
  });

  it('derives stable, distinct ids for another app, and uses an existing user found by external id', () => {
    const ids = createIdMapping(source, target);
    expect(ids.isIdentity()).toBe(false);
    expect(ids.row(id)).not.toBe(id);
    expect(ids.row(id)).toBe(createIdMapping(source, target).row(id));
    expect(ids.row(id)).not.toBe(createIdMapping(source, source.replace('a', 'c')).row(id));
    ids.useUser(id, 'existing');
    expect(ids.user(id)).toBe('existing');
    expect(ids.row(id)).not.toBe('existing');
  });
});
