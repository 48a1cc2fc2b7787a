import { afterEach, describe, expect, it, vi } from 'vitest';
import { defaultBaseUrl, splitApiKey } from './session.ts';

describe('splitApiKey', () => {
  it('reads "<api_key>:<api_secret>" as both', () => {
    expect(splitApiKey('cb_key:cbs_secret', undefined)).toEqual({ apiKey: 'cb_key', apiSecret: 'cbs_secret' });
  });

  it('splits at the first colon only', () => {
    expect(splitApiKey('cb_key:cbs:with:colons', undefined)).toEqual({ apiKey: 'cb_key', apiSecret: 'cbs:with:colons' });
  });

  it('takes apiSecret for a key alone, and over the one in the key', () => {
    expect(splitApiKey('cb_key', 'cbs_secret')).toEqual({ apiKey: 'cb_key', apiSecret: 'cbs_secret' });
    expect(splitApiKey('cb_key:cbs_old', 'cbs_new')).toEqual({ apiKey: 'cb_key', apiSecret: 'cbs_new' });
  });

  it('has no secret for a key alone without apiSecret, and no key without apiKey', () => {
    expect(splitApiKey('cb_key', undefined)).toEqual({ apiKey: 'cb_key', apiSecret: undefined });
    expect(splitApiKey(undefined, undefined)).toEqual({ apiKey: undefined, apiSecret: undefined });
  });
});

describe('defaultBaseUrl', () => {
  afterEach(() => {
    vi.unstubAllEnvs();
  });

  it('is HEYYO_URL when set, else http://localhost:4000', () => {
    vi.stubEnv('HEYYO_URL', 'https://chat.example.com');
    expect(defaultBaseUrl()).toBe('https://chat.example.com');
    vi.stubEnv('HEYYO_URL', undefined);
    expect(defaultBaseUrl()).toBe('http://localhost:4000');
    vi.stubEnv('HEYYO_URL', '');
    expect(defaultBaseUrl()).toBe('http://localhost:4000');
  });
});
