import type { TokenRequest, TokenResponse } from '@heyyo/contracts';
import { hashSecret, secretMatchesHash, TokenError, type TokenService } from '@heyyo/auth';
import { verifiedAppId, type AppId, type Repositories } from '@heyyo/database';
import { LRUCache } from 'lru-cache';
import type { Actor } from './actor.ts';
import { Errors } from './errors.ts';

// Compared against when the api_key is unknown, so both failures take the same time.
const UNKNOWN_APP_HASH = hashSecret('heyyo-unknown-app');

/** Tokens remembered as verified: a client sends the same one on every request. */
const VERIFIED_TOKENS_CACHED = 10_000;

export function createAuthService(deps: { repos: Pick<Repositories, 'apps' | 'users'>; tokens: TokenService }) {
  const { repos, tokens } = deps;
  // A token's signature and claims never change; only the clock can make it invalid,
  // so a verified one is reused until its exp (HMAC verification is most of a request's auth cost).
  // No cache TTL: each entry carries its token's own exp, checked on every read, so an expired
  // token is answered "expired" at once (as the verifier would) and forgotten.
  const verified = new LRUCache<string, { actor: Actor; expiresAtMs: number }>({ max: VERIFIED_TOKENS_CACHED });

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
   * @throws HeyyoError 401 without a token, 403 for a bad or expired one (the seed's statuses).
   */
  async function authenticateSession(token: string | undefined): Promise<{ actor: Actor; expiresAtMs: number }> {
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
    // (a key shared with another deployment, a user removed) proves nobody.
    const appId = verifiedAppId(claims.appId);
    if (!(await repos.users.findById(appId, claims.userId))) throw Errors.invalidToken();
    const actor: Actor = Object.freeze({ appId, userId: claims.userId, externalId: claims.externalId, appRole: claims.appRole });
    const session = { actor, expiresAtMs: claims.expiresAtMs };
    verified.set(token, session);
    return session;
  }

  return {
    authenticateApp,

    /**
     * A user JWT for the tenant's user id, for an app whose credentials were checked
     * (`authenticateApp`), creating the user or updating the profile fields given.
     */
    async issueUserToken(appId: AppId, request: Omit<TokenRequest, 'api_key' | 'api_secret'>): Promise<TokenResponse> {
      const user = await repos.users.upsert(appId, {
        externalId: request.user_id,
        displayName: request.display_name,
        avatarUrl: request.avatar_url,
      });
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
  };
}

export type AuthService = ReturnType<typeof createAuthService>;
