import { randomUUID } from 'node:crypto';
import { errors, jwtVerify, SignJWT, type JWTPayload, type JWTVerifyGetKey } from 'jose';
import type { JwtKey } from '@heyyo/config';

export type AppRole = 'user' | 'admin';

/** What a user JWT proves: who the user is, in which app, with which role there. */
export interface UserClaims {
  /** Application (tenant) id. */
  appId: string;
  /** Internal user UUID (`sub`). */
  userId: string;
  /** The tenant's own user id. */
  externalId: string;
  /** `admin`: the tenant's backend made this user an admin of its app (claim `role`; absent: `user`). */
  appRole: AppRole;
}

/** Claims of a token that passed verification, and until when it is valid. */
export interface VerifiedClaims extends UserClaims {
  /** `exp`, in milliseconds since the epoch. */
  expiresAtMs: number;
  /** When it was issued, in milliseconds (claim `iat_ms`; `iat` in whole seconds for older tokens). */
  issuedAtMs: number;
  /** `jti`: what revokes this one token. Tokens issued before it existed have none. */
  tokenId: string | undefined;
}

export interface TokenSettings {
  keys: readonly JwtKey[];
  issuer: string;
  audience: string;
  ttlSeconds: number;
  /** The longest lifetime a token may be given (HEYYO_TOKEN_MAX_TTL_SECONDS); `ttlSeconds` when omitted. */
  maxTtlSeconds?: number;
}

export type TokenFailure = 'missing' | 'invalid' | 'expired';

export class TokenError extends Error {
  constructor(readonly reason: TokenFailure) {
    super(reason === 'expired' ? 'Token expired' : 'Invalid token');
    this.name = 'TokenError';
  }
}

const ALGORITHM = 'HS256';

/** Signs and verifies user JWTs with the configured HS256 keys. */
export class TokenService {
  private readonly signingKey: { kid: string; bytes: Uint8Array };
  private readonly keyResolver: JWTVerifyGetKey;

  constructor(private readonly settings: TokenSettings) {
    const [first] = settings.keys;
    if (!first) throw new Error('TokenService needs at least one key');
    const encoder = new TextEncoder();
    const byKid = new Map(settings.keys.map((key) => [key.kid, encoder.encode(key.secret)]));
    this.signingKey = { kid: first.kid, bytes: byKid.get(first.kid)! };
    this.keyResolver = (header) => {
      const bytes = header.kid ? byKid.get(header.kid) : undefined;
      if (!bytes) throw new TokenError('invalid');
      return bytes;
    };
  }

  get ttlSeconds(): number {
    return this.settings.ttlSeconds;
  }

  /** No token signed here lives longer. */
  get maxTtlSeconds(): number {
    return Math.max(this.settings.maxTtlSeconds ?? 0, this.settings.ttlSeconds);
  }

  /** @param ttlSeconds lifetime of this token; the configured default when omitted. */
  async sign(claims: UserClaims, ttlSeconds = this.settings.ttlSeconds): Promise<string> {
    // Milliseconds: a revocation at 12:00:00.500 must not refuse a token issued at 12:00:00.700.
    const issuedAtMs = Date.now();
    return new SignJWT({
      app_id: claims.appId,
      ext: claims.externalId,
      iat_ms: issuedAtMs,
      ...(claims.appRole === 'admin' ? { role: 'admin' } : {}),
    })
      .setProtectedHeader({ alg: ALGORITHM, kid: this.signingKey.kid, typ: 'JWT' })
      .setJti(randomUUID())
      .setSubject(claims.userId)
      .setIssuer(this.settings.issuer)
      .setAudience(this.settings.audience)
      .setIssuedAt(Math.floor(issuedAtMs / 1000))
      .setExpirationTime(Math.floor(issuedAtMs / 1000) + ttlSeconds)
      .sign(this.signingKey.bytes);
  }

  /**
   * Verifies signature, algorithm (HS256 only: `none` and RS/ES confusion are refused),
   * issuer, audience and a required `exp`.
   * @throws TokenError
   */
  async verify(token: string): Promise<VerifiedClaims> {
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, this.keyResolver, {
        algorithms: [ALGORITHM],
        issuer: this.settings.issuer,
        audience: this.settings.audience,
        requiredClaims: ['exp', 'iat', 'sub'],
      }));
    } catch (error) {
      if (error instanceof errors.JWTExpired) throw new TokenError('expired');
      throw new TokenError('invalid');
    }
    const { app_id: appId, ext: externalId, sub: userId, exp, iat, role, jti, iat_ms: issuedAtMs } = payload;
    // Signed by a key we trust, yet a token whose ids are not UUIDs names no row: refuse it
    // here rather than let a query fail on it.
    if (typeof appId !== 'string' || typeof externalId !== 'string' || !isUuid(appId) || !isUuid(userId)) {
      throw new TokenError('invalid');
    }
    if (role !== undefined && role !== 'admin') throw new TokenError('invalid');
    if ((jti !== undefined && typeof jti !== 'string') || (issuedAtMs !== undefined && typeof issuedAtMs !== 'number')) {
      throw new TokenError('invalid');
    }
    return {
      appId,
      userId,
      externalId,
      appRole: role === 'admin' ? 'admin' : 'user',
      expiresAtMs: exp! * 1000,
      issuedAtMs: issuedAtMs ?? iat! * 1000,
      tokenId: jti,
    };
  }
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const isUuid = (value: unknown): value is string => typeof value === 'string' && UUID.test(value);

/** The token of an `Authorization: Bearer <token>` header, or undefined. */
export function bearerToken(header: string | undefined): string | undefined {
  if (!header) return undefined;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return match?.[1];
}
