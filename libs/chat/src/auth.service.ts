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

  return {
    authenticateApp,

    /**
     * Exchanges app credentials and the tenant's user id for a user JWT,
     * creating the user or updating the profile fields given.
     */
    async issueUserToken(request: TokenRequest): Promise<TokenResponse> {
      const appId = await authenticateApp(request.api_key, request.api_secret);
      const user = await repos.users.upsert(appId, {
        externalId: request.user_id,
        displayName: request.display_name,
        avatarUrl: request.avatar_url,
      });
      const ttl = request.ttl ?? tokens.ttlSeconds;
      const token = await tokens.sign({ appId, userId: user.id, externalId: user.externalId }, ttl);
      return { token, expires_in: ttl, user_id: user.id };
    },

    /**
     * The actor a bearer token proves.
     * @throws HeyyoError 401 without a token, 403 for a bad or expired one (the seed's statuses).
     */
    async authenticate(token: string | undefined): Promise<Actor> {
      if (!token) throw Errors.authRequired();
      const known = verified.get(token);
      if (known) {
        if (Date.now() < known.expiresAtMs) return known.actor;
        verified.delete(token);
        throw Errors.tokenExpired();
      }
      try {
        const claims = await tokens.verify(token);
        const actor: Actor = Object.freeze({ appId: verifiedAppId(claims.appId), userId: claims.userId, externalId: claims.externalId });
        verified.set(token, { actor, expiresAtMs: claims.expiresAtMs });
        return actor;
      } catch (error) {
        if (error instanceof TokenError && error.reason === 'expired') throw Errors.tokenExpired();
        throw Errors.invalidToken();
      }
    },
  };
}

export type AuthService = ReturnType<typeof createAuthService>;
