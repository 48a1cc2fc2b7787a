import { randomBytes } from 'node:crypto';
import { decodeJwt, decodeProtectedHeader, jwtVerify, SignJWT, type JWTPayload } from 'jose';
import { describe, expect, it } from 'vitest';
import { TEST_JWT_SECRET, useApiContext, type ApiContext, type TestApp } from '../support/api-context.ts';

const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const JWT = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;

const INVALID_CREDENTIALS = { error: 'Invalid API credentials', code: 'HEYYO_ERR_INVALID_CREDENTIALS' };
const AUTH_REQUIRED = { error: 'Authentication required', code: 'HEYYO_ERR_AUTH_REQUIRED' };
const INVALID_TOKEN = { error: 'Invalid token', code: 'HEYYO_ERR_INVALID_TOKEN' };
const TOKEN_EXPIRED = { error: 'Token expired', code: 'HEYYO_ERR_TOKEN_EXPIRED' };

const encoder = new TextEncoder();
const nowSeconds = () => Math.floor(Date.now() / 1000);
const base64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
const externalId = () => `user-${randomBytes(4).toString('hex')}`;

/** POST /api/auth/token with the app's credentials and the given extra fields. */
function issueToken(ctx: ApiContext, app: TestApp, fields: Record<string, unknown> = {}) {
  return ctx.request('POST', '/api/auth/token', {
    body: { api_key: app.api_key, api_secret: app.api_secret, user_id: externalId(), ...fields },
  });
}

interface ForgeOptions {
  secret?: string;
  alg?: string;
  kid?: string | null;
  iss?: string;
  aud?: string;
  /** Seconds since the epoch; null leaves `exp` out. */
  exp?: number | null;
  iat?: number;
  claims?: Record<string, unknown>;
}

/**
 * A token like the ones Heyyo signs (HS256, kid 'test', iss/aud 'heyyo', a valid
 * user's claims), with exactly the options given changed.
 */
async function forge(claims: { app_id: string; sub: string; ext: string }, options: ForgeOptions = {}): Promise<string> {
  const iat = options.iat ?? nowSeconds();
  const kid = options.kid === undefined ? 'test' : options.kid;
  const jwt = new SignJWT({ app_id: claims.app_id, ext: claims.ext, ...options.claims })
    .setProtectedHeader({ alg: options.alg ?? 'HS256', typ: 'JWT', ...(kid === null ? {} : { kid }) })
    .setSubject(claims.sub)
    .setIssuer(options.iss ?? 'heyyo')
    .setAudience(options.aud ?? 'heyyo')
    .setIssuedAt(iat);
  if (options.exp !== null) jwt.setExpirationTime(options.exp ?? iat + 3600);
  return jwt.sign(encoder.encode(options.secret ?? TEST_JWT_SECRET));
}

describe('POST /api/auth/token', () => {
  const ctx = useApiContext();

  it('returns a token, its lifetime and the internal user id', async () => {
    const app = await ctx.newApp();
    const response = await issueToken(ctx, app, { user_id: 'user-123' });
    expect(response.status).toBe(200);
    expect(response.body).toEqual({
      token: expect.stringMatching(JWT),
      expires_in: 3600,
      user_id: expect.stringMatching(UUID),
    });
  });

  it('signs an HS256 JWT with the configured key and the documented claims', async () => {
    const app = await ctx.newApp();
    const before = nowSeconds();
    const response = await issueToken(ctx, app, { user_id: 'user-claims' });
    const after = nowSeconds();
    expect(response.status).toBe(200);
    const { token, user_id: userId } = response.body;

    expect(decodeProtectedHeader(token)).toEqual({ alg: 'HS256', kid: 'test', typ: 'JWT' });
    const payload = decodeJwt(token);
    expect(payload).toEqual({
      sub: userId,
      app_id: app.id,
      ext: 'user-claims',
      iss: 'heyyo',
      aud: 'heyyo',
      iat: expect.any(Number),
      exp: expect.any(Number),
      // What revokes this one token, and its issue time to the millisecond (revocation compares it).
      jti: expect.stringMatching(/^[0-9a-f-]{36}$/),
      iat_ms: expect.any(Number),
    });
    expect(Math.floor((payload.iat_ms as number) / 1000)).toBe(payload.iat);
    expect(payload.iat).toBeGreaterThanOrEqual(before);
    expect(payload.iat).toBeLessThanOrEqual(after);
    expect(payload.exp).toBe(payload.iat! + 3600);

    // The signature is made with the configured secret (and only verifies with it).
    await expect(jwtVerify(token, encoder.encode(TEST_JWT_SECRET), { algorithms: ['HS256'] })).resolves.toBeTruthy();
    await expect(
      jwtVerify(token, encoder.encode('some-other-secret-that-is-long-enough-0123456789'), { algorithms: ['HS256'] }),
    ).rejects.toThrow();
  });

  it('issues a token the protected routes accept', async () => {
    const app = await ctx.newApp();
    const { body } = await issueToken(ctx, app);
    const response = await ctx.request('GET', '/api/channels', { token: body.token });
    expect(response.status).toBe(200);
    expect(response.body).toEqual([]);
  });

  it('maps the same user_id of one app to the same internal user', async () => {
    const app = await ctx.newApp();
    const first = await issueToken(ctx, app, { user_id: 'same-user' });
    const second = await issueToken(ctx, app, { user_id: 'same-user' });
    expect(first.status).toBe(200);
    expect(second.status).toBe(200);
    expect(second.body.user_id).toBe(first.body.user_id);
    const rows = await ctx.sql`select id from users where app_id = ${app.id} and external_id = 'same-user'`;
    expect(rows.map((row) => row.id)).toEqual([first.body.user_id]);
  });

  it('keeps users of different apps apart even with the same user_id', async () => {
    const appA = await ctx.newApp();
    const appB = await ctx.newApp();
    const inA = await issueToken(ctx, appA, { user_id: 'shared-id' });
    const inB = await issueToken(ctx, appB, { user_id: 'shared-id' });
    expect(inA.status).toBe(200);
    expect(inB.status).toBe(200);
    expect(inA.body.user_id).not.toBe(inB.body.user_id);
    expect(decodeJwt(inA.body.token).app_id).toBe(appA.id);
    expect(decodeJwt(inB.body.token).app_id).toBe(appB.id);
    const rows = await ctx.sql`select id, app_id from users where external_id = 'shared-id' order by created_at`;
    expect(rows.map((row) => ({ id: row.id, app_id: row.app_id }))).toEqual(
      expect.arrayContaining([
        { id: inA.body.user_id, app_id: appA.id },
        { id: inB.body.user_id, app_id: appB.id },
      ]),
    );
  });

  describe('profile fields', () => {
    const profileOf = async (userId: string) => {
      const [row] = await ctx.sql`select display_name, avatar_url from users where id = ${userId}`;
      return row;
    };

    it('stores display_name and avatar_url on creation', async () => {
      const app = await ctx.newApp();
      const response = await issueToken(ctx, app, {
        display_name: 'Jane Doe',
        avatar_url: 'https://example.com/jane.png',
      });
      expect(response.status).toBe(200);
      expect(await profileOf(response.body.user_id)).toEqual({
        display_name: 'Jane Doe',
        avatar_url: 'https://example.com/jane.png',
      });
    });

    it('stores nulls when the profile fields are omitted on creation', async () => {
      const app = await ctx.newApp();
      const response = await issueToken(ctx, app);
      expect(response.status).toBe(200);
      expect(await profileOf(response.body.user_id)).toEqual({ display_name: null, avatar_url: null });
    });

    it('updates, keeps and clears the profile on later token requests', async () => {
      const app = await ctx.newApp();
      const userId = 'profile-user';
      const created = await issueToken(ctx, app, {
        user_id: userId,
        display_name: 'Jane',
        avatar_url: 'https://example.com/jane.png',
      });
      expect(created.status).toBe(200);
      const id = created.body.user_id;

      const updated = await issueToken(ctx, app, {
        user_id: userId,
        display_name: 'Jane Doe',
        avatar_url: 'https://example.com/jane-2.png',
      });
      expect(updated.status).toBe(200);
      expect(updated.body.user_id).toBe(id);
      expect(await profileOf(id)).toEqual({ display_name: 'Jane Doe', avatar_url: 'https://example.com/jane-2.png' });

      // Omitted fields keep their stored values.
      const omitted = await issueToken(ctx, app, { user_id: userId });
      expect(omitted.status).toBe(200);
      expect(await profileOf(id)).toEqual({ display_name: 'Jane Doe', avatar_url: 'https://example.com/jane-2.png' });

      // Only the given field changes.
      const onlyName = await issueToken(ctx, app, { user_id: userId, display_name: 'J. Doe' });
      expect(onlyName.status).toBe(200);
      expect(await profileOf(id)).toEqual({ display_name: 'J. Doe', avatar_url: 'https://example.com/jane-2.png' });

      // null clears.
      const cleared = await issueToken(ctx, app, { user_id: userId, display_name: null, avatar_url: null });
      expect(cleared.status).toBe(200);
      expect(await profileOf(id)).toEqual({ display_name: null, avatar_url: null });
    });

    it('shows the profile in the channel members and follows its updates', async () => {
      const app = await ctx.newApp();
      const owner = await ctx.newUser(app, {
        externalId: 'owner-ext',
        display_name: 'Olivia Owner',
        avatar_url: 'https://example.com/olivia.png',
      });
      const guest = await ctx.newUser(app, { externalId: 'guest-ext' });
      const channel = await ctx.newChannel(owner, { members: [guest.id] });

      const members = async () => {
        const response = await ctx.request('GET', `/api/channels/${channel.id}`, { token: owner.token });
        expect(response.status).toBe(200);
        return [...response.body.members].sort((a, b) => a.external_id.localeCompare(b.external_id));
      };

      expect(await members()).toEqual([
        {
          id: guest.id,
          external_id: 'guest-ext',
          display_name: null,
          avatar_url: null,
          is_online: false,
          role: 'member',
          joined_at: expect.stringMatching(ISO),
        },
        {
          id: owner.id,
          external_id: 'owner-ext',
          display_name: 'Olivia Owner',
          avatar_url: 'https://example.com/olivia.png',
          is_online: false,
          role: 'owner',
          joined_at: expect.stringMatching(ISO),
        },
      ]);

      const renamed = await issueToken(ctx, app, {
        user_id: 'guest-ext',
        display_name: 'Gary Guest',
        avatar_url: 'https://example.com/gary.png',
      });
      expect(renamed.status).toBe(200);
      expect(renamed.body.user_id).toBe(guest.id);
      const cleared = await issueToken(ctx, app, { user_id: 'owner-ext', display_name: null, avatar_url: null });
      expect(cleared.status).toBe(200);

      expect((await members()).map(({ id, display_name, avatar_url }) => ({ id, display_name, avatar_url }))).toEqual([
        { id: guest.id, display_name: 'Gary Guest', avatar_url: 'https://example.com/gary.png' },
        { id: owner.id, display_name: null, avatar_url: null },
      ]);
    });
  });

  describe('credentials', () => {
    it('refuses a wrong api_secret with 401', async () => {
      const app = await ctx.newApp();
      const response = await issueToken(ctx, { ...app, api_secret: `${app.api_secret}x` });
      expect(response.status).toBe(401);
      expect(response.body).toEqual(INVALID_CREDENTIALS);
    });

    it('refuses an unknown api_key with 401', async () => {
      const app = await ctx.newApp();
      const response = await issueToken(ctx, { ...app, api_key: `cb_${randomBytes(24).toString('base64url')}` });
      expect(response.status).toBe(401);
      expect(response.body).toEqual(INVALID_CREDENTIALS);
    });

    it("refuses one app's api_key with another app's api_secret", async () => {
      const appA = await ctx.newApp();
      const appB = await ctx.newApp();
      const mixed = await issueToken(ctx, { ...appA, api_secret: appB.api_secret });
      expect(mixed.status).toBe(401);
      expect(mixed.body).toEqual(INVALID_CREDENTIALS);
      const reversed = await issueToken(ctx, { ...appB, api_secret: appA.api_secret });
      expect(reversed.status).toBe(401);
      expect(reversed.body).toEqual(INVALID_CREDENTIALS);
    });

    it('creates no user when the credentials are refused', async () => {
      const app = await ctx.newApp();
      const response = await issueToken(ctx, { ...app, api_secret: 'cbs_wrong' }, { user_id: 'never-created' });
      expect(response.status).toBe(401);
      const rows = await ctx.sql`select id from users where external_id = 'never-created'`;
      expect(rows).toHaveLength(0);
    });
  });

  describe('validation', () => {
    it.each([
      [{ api_secret: 'cbs_x', user_id: 'u' }, 'api_key is required'],
      [{ api_key: 'cb_x', user_id: 'u' }, 'api_secret is required'],
      [{ api_key: 'cb_x', api_secret: 'cbs_x' }, 'user_id is required'],
      [{ api_key: 'cb_x', api_secret: 'cbs_x', user_id: '' }, 'user_id must NOT have fewer than 1 characters'],
      [{ api_key: 'cb_x', api_secret: 'cbs_x', user_id: 123 }, 'user_id must be of type string'],
      [{ api_key: 42, api_secret: 'cbs_x', user_id: 'u' }, 'api_key must be of type string'],
      [{ api_key: 'cb_x', api_secret: 'cbs_x', user_id: 'u', display_name: 42 }, 'display_name must be of type string'],
      [{ api_key: 'cb_x', api_secret: 'cbs_x', user_id: 'u', is_admin: true }, 'unknown field "is_admin"'],
      [{ api_key: 'cb_x', api_secret: 'cbs_x', user_id: 'u', role: 'root' }, 'role must be one of user, admin'],
      [{ api_key: 'cb_x', api_secret: 'cbs_x', user_id: 'u', avatar_url: 'not a url' }, 'avatar_url must be a valid http-url'],
    ])('refuses %j with 400', async (body, error) => {
      const response = await ctx.request('POST', '/api/auth/token', { body });
      expect(response.status).toBe(400);
      expect(response.body).toEqual({ error, code: 'HEYYO_ERR_VALIDATION' });
    });

    it('validates the body before checking credentials', async () => {
      const app = await ctx.newApp();
      const response = await issueToken(ctx, app, { avatar_url: 'not a url' });
      expect(response.status).toBe(400);
      expect(response.body).toEqual({ error: 'avatar_url must be a valid http-url', code: 'HEYYO_ERR_VALIDATION' });
    });
  });

  describe('response hygiene', () => {
    it('never echoes the api_secret', async () => {
      const app = await ctx.newApp();
      const ok = await issueToken(ctx, app);
      expect(ok.status).toBe(200);
      expect(JSON.stringify(ok.body)).not.toContain(app.api_secret);
      expect(JSON.stringify(decodeJwt(ok.body.token))).not.toContain(app.api_secret);
      expect(JSON.stringify(ok.headers)).not.toContain(app.api_secret);

      const refused = await issueToken(ctx, { ...app, api_key: 'cb_unknown' });
      expect(refused.status).toBe(401);
      expect(JSON.stringify(refused.body)).not.toContain(app.api_secret);

      const invalid = await issueToken(ctx, app, { extra: true });
      expect(invalid.status).toBe(400);
      expect(JSON.stringify(invalid.body)).not.toContain(app.api_secret);
    });

    it('sets an x-request-id header on successes and failures', async () => {
      const app = await ctx.newApp();
      const ok = await issueToken(ctx, app);
      expect(ok.status).toBe(200);
      expect(ok.headers['x-request-id']).toMatch(UUID);
      const refused = await issueToken(ctx, { ...app, api_secret: 'cbs_wrong' });
      expect(refused.status).toBe(401);
      expect(refused.headers['x-request-id']).toMatch(UUID);
      expect(refused.headers['x-request-id']).not.toBe(ok.headers['x-request-id']);
    });

    it("keeps a caller's sane x-request-id", async () => {
      const app = await ctx.newApp();
      const response = await ctx.request('POST', '/api/auth/token', {
        body: { api_key: app.api_key, api_secret: app.api_secret, user_id: 'traced' },
        headers: { 'x-request-id': 'trace-abc.123' },
      });
      expect(response.status).toBe(200);
      expect(response.headers['x-request-id']).toBe('trace-abc.123');
    });
  });
});

describe('user JWTs on protected routes', () => {
  const ctx = useApiContext();

  /** A real user and the claims of the token Heyyo issued for them. */
  const realUser = async () => {
    const user = await ctx.newUser();
    const claims = { app_id: user.app.id, sub: user.id, ext: user.externalId };
    return { user, claims };
  };

  const get = (token: string | undefined, headers?: Record<string, string>) =>
    ctx.request('GET', '/api/channels', { ...(token === undefined ? {} : { token }), ...(headers ? { headers } : {}) });

  it('accepts a forged-but-correct token, so the refusals below test one change each', async () => {
    const { claims } = await realUser();
    const response = await get(await forge(claims));
    expect(response.status).toBe(200);
    expect(response.body).toEqual([]);
  });

  it('answers 401 without an Authorization header', async () => {
    const response = await get(undefined);
    expect(response.status).toBe(401);
    expect(response.body).toEqual(AUTH_REQUIRED);
  });

  it('answers 401 for a non-Bearer scheme', async () => {
    const { user } = await realUser();
    const basic = await get(undefined, { authorization: 'Basic xyz' });
    expect(basic.status).toBe(401);
    expect(basic.body).toEqual(AUTH_REQUIRED);
    // A valid JWT under another scheme is not a bearer token either.
    const wrongScheme = await get(undefined, { authorization: `Token ${user.token}` });
    expect(wrongScheme.status).toBe(401);
    expect(wrongScheme.body).toEqual(AUTH_REQUIRED);
  });

  it('answers 403 for a token that is not a JWT', async () => {
    const response = await get('garbage');
    expect(response.status).toBe(403);
    expect(response.body).toEqual(INVALID_TOKEN);
  });

  it('answers 403 for a token signed with another secret', async () => {
    const { claims } = await realUser();
    const response = await get(await forge(claims, { secret: 'another-secret-that-is-long-enough-for-hs256-xyz' }));
    expect(response.status).toBe(403);
    expect(response.body).toEqual(INVALID_TOKEN);
  });

  it('answers 403 for a tampered payload', async () => {
    const { user } = await realUser();
    const other = await realUser();
    const [header, payload, signature] = user.token.split('.');
    const claims = JSON.parse(Buffer.from(payload!, 'base64url').toString());
    const tampered = `${header}.${base64url({ ...claims, sub: other.user.id, app_id: other.user.app.id })}.${signature}`;
    const response = await get(tampered);
    expect(response.status).toBe(403);
    expect(response.body).toEqual(INVALID_TOKEN);
  });

  it('answers 403 for an unsigned alg "none" token', async () => {
    const { claims } = await realUser();
    const iat = nowSeconds();
    const payload = { ...claims, iss: 'heyyo', aud: 'heyyo', iat, exp: iat + 3600 };
    for (const header of [
      { alg: 'none', typ: 'JWT' },
      { alg: 'none', typ: 'JWT', kid: 'test' },
    ]) {
      const response = await get(`${base64url(header)}.${base64url(payload)}.`);
      expect(response.status).toBe(403);
      expect(response.body).toEqual(INVALID_TOKEN);
    }
  });

  it('answers 403 for a token with another audience', async () => {
    const { claims } = await realUser();
    const response = await get(await forge(claims, { aud: 'not-heyyo' }));
    expect(response.status).toBe(403);
    expect(response.body).toEqual(INVALID_TOKEN);
  });

  it('answers 403 for a token with another issuer', async () => {
    const { claims } = await realUser();
    const response = await get(await forge(claims, { iss: 'not-heyyo' }));
    expect(response.status).toBe(403);
    expect(response.body).toEqual(INVALID_TOKEN);
  });

  it('answers 403 for a token with an unknown kid', async () => {
    const { claims } = await realUser();
    const response = await get(await forge(claims, { kid: 'unknown' }));
    expect(response.status).toBe(403);
    expect(response.body).toEqual(INVALID_TOKEN);
  });

  it('answers 403 for a token without a kid', async () => {
    const { claims } = await realUser();
    const response = await get(await forge(claims, { kid: null }));
    expect(response.status).toBe(403);
    expect(response.body).toEqual(INVALID_TOKEN);
  });

  it('answers 403 for a token without exp', async () => {
    const { claims } = await realUser();
    const response = await get(await forge(claims, { exp: null }));
    expect(response.status).toBe(403);
    expect(response.body).toEqual(INVALID_TOKEN);
  });

  it('answers 403 for a token signed HS512 with the right secret', async () => {
    const { claims } = await realUser();
    const response = await get(await forge(claims, { alg: 'HS512' }));
    expect(response.status).toBe(403);
    expect(response.body).toEqual(INVALID_TOKEN);
  });

  it.each([
    ['app_id', { app_id: undefined }],
    ['ext', { ext: undefined }],
    ['a string app_id', { app_id: 42 }],
  ])('answers 403 for a token without %s', async (_name, override) => {
    const { claims } = await realUser();
    const token = await forge(claims, { claims: override as Record<string, unknown> });
    const payload: JWTPayload = decodeJwt(token);
    // Make sure the forged token really lacks (or mistypes) the claim.
    expect(Object.keys(override).every((key) => typeof payload[key] !== 'string')).toBe(true);
    const response = await get(token);
    expect(response.status).toBe(403);
    expect(response.body).toEqual(INVALID_TOKEN);
  });

  it('answers 403 "Token expired" for an expired token', async () => {
    const { claims } = await realUser();
    const iat = nowSeconds() - 7200;
    const response = await get(await forge(claims, { iat, exp: iat + 3600 }));
    expect(response.status).toBe(403);
    expect(response.body).toEqual(TOKEN_EXPIRED);
  });

  it('refuses a token once it expires, even one it accepted (and remembered) a moment before', async () => {
    const { claims } = await realUser();
    const exp = nowSeconds() + 2;
    const token = await forge(claims, { exp });
    expect((await get(token)).status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, exp * 1000 - Date.now() + 50));
    const response = await get(token);
    expect(response.status).toBe(403);
    expect(response.body).toEqual(TOKEN_EXPIRED);
  });

  it('reports a bad signature as invalid even when the token is also expired', async () => {
    const { claims } = await realUser();
    const iat = nowSeconds() - 7200;
    const token = await forge(claims, { iat, exp: iat + 3600, secret: 'another-secret-that-is-long-enough-for-hs256-xyz' });
    const response = await get(token);
    expect(response.status).toBe(403);
    expect(response.body).toEqual(INVALID_TOKEN);
  });

  it('sets x-request-id on refused requests', async () => {
    const missing = await get(undefined);
    expect(missing.status).toBe(401);
    expect(missing.headers['x-request-id']).toMatch(UUID);
    const invalid = await get('garbage');
    expect(invalid.status).toBe(403);
    expect(invalid.headers['x-request-id']).toMatch(UUID);
  });
});

describe('JWT key rotation (HEYYO_JWT_KEYS=new:…,test:…)', () => {
  const NEW_SECRET = 'new-secret-for-rotation-tests-0123456789'; // 40 characters
  const ctx = useApiContext({ env: { HEYYO_JWT_KEYS: `new:${NEW_SECRET},test:${TEST_JWT_SECRET}` } });

  it('signs new tokens with the first key', async () => {
    const app = await ctx.newApp();
    const response = await issueToken(ctx, app);
    expect(response.status).toBe(200);
    expect(decodeProtectedHeader(response.body.token)).toEqual({ alg: 'HS256', kid: 'new', typ: 'JWT' });
    await expect(jwtVerify(response.body.token, encoder.encode(NEW_SECRET), { algorithms: ['HS256'] })).resolves.toBeTruthy();
    const accepted = await ctx.request('GET', '/api/channels', { token: response.body.token });
    expect(accepted.status).toBe(200);
  });

  it('still accepts tokens signed with the old key', async () => {
    const user = await ctx.newUser();
    const old = await forge({ app_id: user.app.id, sub: user.id, ext: user.externalId }, { kid: 'test' });
    expect(decodeProtectedHeader(old).kid).toBe('test');
    const response = await ctx.request('GET', '/api/channels', { token: old });
    expect(response.status).toBe(200);
    expect(response.body).toEqual([]);
  });

  it('verifies each token with the key its kid names', async () => {
    const user = await ctx.newUser();
    const claims = { app_id: user.app.id, sub: user.id, ext: user.externalId };
    // The old secret under the new kid, and the new secret under the old kid.
    for (const token of [
      await forge(claims, { kid: 'new', secret: TEST_JWT_SECRET }),
      await forge(claims, { kid: 'test', secret: NEW_SECRET }),
    ]) {
      const response = await ctx.request('GET', '/api/channels', { token });
      expect(response.status).toBe(403);
      expect(response.body).toEqual(INVALID_TOKEN);
    }
  });
});

describe('POST /api/auth/token with ttl', () => {
  const ctx = useApiContext({ env: { HEYYO_TOKEN_MAX_TTL_SECONDS: '7200' } });

  it('issues a token with the requested lifetime, within the maximum', async () => {
    const app = await ctx.newApp();
    const response = await ctx.request('POST', '/api/auth/token', {
      body: { api_key: app.api_key, api_secret: app.api_secret, user_id: 'short', ttl: 120 },
    });
    expect(response.status).toBe(200);
    expect(response.body.expires_in).toBe(120);
    const { exp, iat } = decodeJwt(response.body.token);
    expect(exp! - iat!).toBe(120);
  });

  it.each([
    [59, 'ttl must be >= 60'],
    [7201, 'ttl must be <= 7200'],
    [1.5, 'ttl must be of type integer'],
  ])('refuses ttl %j', async (ttl, error) => {
    const app = await ctx.newApp();
    const response = await ctx.request('POST', '/api/auth/token', {
      body: { api_key: app.api_key, api_secret: app.api_secret, user_id: 'x', ttl },
    });
    expect(response.status).toBe(400);
    expect(response.body).toEqual({ error, code: 'HEYYO_ERR_VALIDATION' });
  });
});
