import type { TokenRequest, TokenResponse } from '@heyyo/contracts';
import { hashSecret, secretMatchesHash, TokenError, type TokenService } from '@heyyo/auth';
import { verifiedAppId, type AppId, type Repositories } from '@heyyo/database';
import { LRUCache } from 'lru-cache';
import type { InvalidationBus } from '@heyyo/realtime';
import type { Actor } from './actor.ts';
import { Errors } from './errors.ts';

// Compared against when the api_key is unknown, so both failures take the same time.
const UNKNOWN_APP_HASH = hashSecret('heyyo-unknown-app');

/** Tokens remembered as verified: a client sends the same one on every request. */
const VERIFIED_TOKENS_CACHED = 10_000;
/** How long a remembered token is trusted without a word from the invalidation bus. */
const VERIFIED_TOKEN_TTL_MS = 30_000;

/** A token that passed every check: who it proves, and its claims as `GET /api/auth/verify` shows them. */
export interface Session {
  actor: Actor;
  expiresAtMs: number;
  tokenId: string | undefined;
}

export function createAuthService(deps: { repos: Pick<Repositories, 'apps' | 'users'>; tokens: TokenService; invalidations: InvalidationBus }) {
  const { repos, tokens, invalidations } = deps;
  // A token's signature and claims never change; only the clock or a revocation can make it
  // invalid, so a verified one is reused until its exp (HMAC verification is most of a request's
  // auth cost). Each entry carries its token's own exp, checked on every read, so an expired
  // token is answered "expired" at once. A revocation, on any node, empties the cache on every
  // node (revocations are rare; the TTL is the safety net for an invalidation that was lost).
  const verified = new LRUCache<string, Session>({ max: VERIFIED_TOKENS_CACHED, ttl: VERIFIED_TOKEN_TTL_MS });
  let invalidationsHeard = 0;
  invalidations.subscribe((invalidation) => {
    if (invalidation.kind !== 'tokens' && invalidation.kind !== 'everything') return;
    invalidationsHeard++;
    verified.clear();
  });

  /**
   * The app whose credentials these are. Both failures take the same time and
   * give the same answer, so neither reveals whether an api_key exists.
   */
  async function authenticateApp(apiKey: string | undefined, apiSecret: string | undefined): Promise<AppId> {
    if (!apiKey || !apiSecret) throw Errors.authRequired();
    const app = await repos.apps.findByApiKey(apiKey);
    const secretMatches = secretMatchesHash(apiSecret, app?.apiSecretHash ?? UNKNOWN_APP_HASH);
    if (!app || !secretMatches) throw Errors.invalidCredentials();
    return verifiedAppId(app.id);
  }

  /**
   * The actor a bearer token proves, and when the token expires (ms since the epoch).
   * @throws HeyyoError 401 without a token, 403 for a bad, expired or revoked one, or one of a deactivated user.
   */
  async function authenticateSession(token: string | undefined): Promise<Session> {
    if (!token) throw Errors.authRequired();
    const known = verified.get(token);
    if (known) {
      if (Date.now() < known.expiresAtMs) return known;
      verified.delete(token);
      throw Errors.tokenExpired();
    }
    let claims;
    try {
      claims = await tokens.verify(token);
    } catch (error) {
      if (error instanceof TokenError && error.reason === 'expired') throw Errors.tokenExpired();
      throw Errors.invalidToken();
    }
    // Once per token (then cached): a signed token for a user that does not exist in its app
    // (a key shared with another deployment, a user removed) proves nobody; a revoked one is refused.
    const appId = verifiedAppId(claims.appId);
    const heardBefore = invalidationsHeard;
    const standing = await repos.users.tokenStanding(appId, claims.userId, claims.tokenId);
    if (!standing) throw Errors.invalidToken();
    if (standing.deactivated) throw Errors.userDeactivated();
    if (standing.revoked || (standing.validAfter && claims.issuedAtMs < standing.validAfter.getTime())) throw Errors.tokenRevoked();
    const actor: Actor = Object.freeze({ appId, userId: claims.userId, externalId: claims.externalId, appRole: claims.appRole });
    const session: Session = { actor, expiresAtMs: claims.expiresAtMs, tokenId: claims.tokenId };
    // Not remembered if a revocation was heard meanwhile: it may postdate what was read.
    if (invalidationsHeard === heardBefore) verified.set(token, session);
    return session;
  }

  return {
    authenticateApp,

    /**
     * A user JWT for the tenant's user id, for an app whose credentials were checked
     * (`authenticateApp`), creating the user or updating the profile fields given.
     * @throws 403 for a deactivated user (whose profile stays as it was).
     */
    async issueUserToken(appId: AppId, request: Omit<TokenRequest, 'api_key' | 'api_secret'>): Promise<TokenResponse> {
      const user = await repos.users.upsertActive(appId, {
        externalId: request.user_id,
        displayName: request.display_name,
        avatarUrl: request.avatar_url,
      });
      if (!user) throw Errors.userDeactivated();
      const ttl = request.ttl ?? tokens.ttlSeconds;
      const token = await tokens.sign({ appId, userId: user.id, externalId: user.externalId, appRole: request.role ?? 'user' }, ttl);
      return { token, expires_in: ttl, user_id: user.id };
    },

    /**
     * The actor of a token this process verified before and that has not expired; undefined
     * otherwise (check it with `authenticate`). Presenting one is not a guess.
     */
    rememberedActor(token: string): Actor | undefined {
      const known = verified.get(token);
      return known && Date.now() < known.expiresAtMs ? known.actor : undefined;
    },

    /**
     * The actor a bearer token proves.
     * @throws HeyyoError 401 without a token, 403 for a bad or expired one (the seed's statuses).
     */
    async authenticate(token: string | undefined): Promise<Actor> {
      return (await authenticateSession(token)).actor;
    },

    /** As `authenticate`, with when the token expires: a live socket's deadline. */
    authenticateSession,

    /** `authenticateSession` past the cache: the token's standing as Postgres has it now (a live socket's recheck). */
    async authenticateAfresh(token: string): Promise<Session> {
      verified.delete(token);
      return authenticateSession(token);
    },

    /**
     * Refuses the user's tokens issued before now — or only the token `jti` — on every node
     * within a second (REST, and the sockets using them, which get auth.revoked). Idempotent.
     * @throws 404 when the user is not of this app.
     */
    async revokeTokens(appId: AppId, userId: string, jti?: string): Promise<{ revokedBefore: Date | null }> {
      // A revoked jti is remembered until the longest a token can live has passed.
      const only = jti === undefined ? undefined : { jti, expiresAt: new Date(Date.now() + tokens.maxTtlSeconds * 1000) };
      const revoked = await repos.users.revokeTokens(appId, userId, only);
      if (!revoked) throw Errors.userNotFound();
      await invalidations.publish({ kind: 'tokens', appId, userId });
      return { revokedBefore: revoked.validAfter };
    },
  };
}

export type AuthService = ReturnType<typeof createAuthService>;
