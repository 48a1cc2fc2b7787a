import { decodeProtectedHeader, SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { bearerToken, TokenError, TokenService } from './tokens.ts';
import { constantTimeEqual, generateApiKey, generateApiSecret, hashSecret, secretMatchesHash } from './secrets.ts';

const SECRET = 'unit-test-secret-0123456789abcdef0123456789';
const settings = { keys: [{ kid: 'k1', secret: SECRET }], issuer: 'heyyo', audience: 'heyyo', ttlSeconds: 60 };
const claims = {
  appId: '0b6f2a51-5c44-4f7e-9d2a-6a3f0d0b8a11',
  userId: '7c1e6a3b-9f2d-4c8e-8b1a-3d5e7f9a1b2c',
  externalId: 'ext-1',
  appRole: 'user' as const,
};

describe('TokenService', () => {
  it('round-trips claims and names its key', async () => {
    const tokens = new TokenService(settings);
    const signedAt = Date.now();
    const token = await tokens.sign(claims);
    expect(decodeProtectedHeader(token)).toEqual({ alg: 'HS256', kid: 'k1', typ: 'JWT' });
    const { expiresAtMs, issuedAtMs, tokenId, ...verified } = await tokens.verify(token);
    expect(verified).toEqual(claims);
    // Issued now, to the millisecond, with an id of its own.
    expect(issuedAtMs).toBeGreaterThanOrEqual(signedAt);
    expect(issuedAtMs).toBeLessThanOrEqual(Date.now());
    expect(tokenId).toMatch(/^[0-9a-f-]{36}$/);
    expect((await tokens.verify(await tokens.sign(claims))).tokenId).not.toBe(tokenId);
    // exp is whole seconds: the ttl after signing, rounded down.
    expect(expiresAtMs).toBeGreaterThan(signedAt + 58_000);
    expect(expiresAtMs).toBeLessThanOrEqual(signedAt + 60_000);
  });

  it('verifies tokens of a previous key after rotation, and signs with the new one', async () => {
    const old = await new TokenService(settings).sign(claims);
    const rotated = new TokenService({ ...settings, keys: [{ kid: 'k2', secret: `${SECRET}-new` }, ...settings.keys] });
    expect(await rotated.verify(old)).toMatchObject(claims);
    expect(decodeProtectedHeader(await rotated.sign(claims)).kid).toBe('k2');
  });

  it('reports expiry apart from other failures', async () => {
    const key = new TextEncoder().encode(SECRET);
    const expired = await new SignJWT({ app_id: 'a', ext: 'e' })
      .setProtectedHeader({ alg: 'HS256', kid: 'k1' })
      .setSubject('u')
      .setIssuer('heyyo')
      .setAudience('heyyo')
      .setIssuedAt(1_000)
      .setExpirationTime(2_000)
      .sign(key);
    await expect(new TokenService(settings).verify(expired)).rejects.toMatchObject({ reason: 'expired' });
    await expect(new TokenService(settings).verify('a.b.c')).rejects.toBeInstanceOf(TokenError);
  });

  it('refuses a correctly signed token whose app or user id is not a UUID', async () => {
    const tokens = new TokenService(settings);
    for (const bad of [{ ...claims, appId: 'app-1' }, { ...claims, userId: 'user-1' }]) {
      await expect(tokens.verify(await tokens.sign(bad))).rejects.toMatchObject({ reason: 'invalid' });
    }
  });

  it('refuses a token without the app claim', async () => {
    const key = new TextEncoder().encode(SECRET);
    const token = await new SignJWT({ ext: 'e' })
      .setProtectedHeader({ alg: 'HS256', kid: 'k1' })
      .setSubject('u')
      .setIssuer('heyyo')
      .setAudience('heyyo')
      .setIssuedAt()
      .setExpirationTime('1m')
      .sign(key);
    await expect(new TokenService(settings).verify(token)).rejects.toMatchObject({ reason: 'invalid' });
  });

  it("carries an app admin's role, and refuses a role it does not know", async () => {
    const tokens = new TokenService(settings);
    expect(await tokens.verify(await tokens.sign({ ...claims, appRole: 'admin' }))).toMatchObject({ appRole: 'admin' });
    const forged = await new SignJWT({ app_id: claims.appId, ext: 'e', role: 'superuser' })
      .setProtectedHeader({ alg: 'HS256', kid: 'k1' })
      .setSubject(claims.userId)
      .setIssuer('heyyo')
      .setAudience('heyyo')
      .setIssuedAt()
      .setExpirationTime('1m')
      .sign(new TextEncoder().encode(SECRET));
    await expect(tokens.verify(forged)).rejects.toMatchObject({ reason: 'invalid' });
  });
});

describe('bearerToken', () => {
  it.each([
    ['Bearer abc', 'abc'],
    ['bearer   abc ', 'abc'],
    ['Basic abc', undefined],
    ['Bearer', undefined],
    ['Bearer a b', undefined],
    [undefined, undefined],
  ])('%j → %j', (header, expected) => {
    expect(bearerToken(header)).toBe(expected);
  });
});

describe('secrets', () => {
  it('generates distinct prefixed keys and secrets', () => {
    expect(generateApiKey()).toMatch(/^cb_[A-Za-z0-9_-]{32}$/);
    expect(generateApiSecret()).toMatch(/^cbs_[A-Za-z0-9_-]{43}$/);
    expect(generateApiSecret()).not.toBe(generateApiSecret());
  });

  it('matches a secret only against its own hash', () => {
    const secret = generateApiSecret();
    expect(secretMatchesHash(secret, hashSecret(secret))).toBe(true);
    expect(secretMatchesHash(`${secret}x`, hashSecret(secret))).toBe(false);
    expect(hashSecret(secret)).not.toContain(secret);
  });

  it('compares strings of different lengths without throwing', () => {
    expect(constantTimeEqual('a', 'a')).toBe(true);
    expect(constantTimeEqual('a', 'ab')).toBe(false);
  });
});
