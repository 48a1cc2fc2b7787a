/** REST for the compat client: server credentials or the user token per call, typed tegrabox errors, the answer's headers. */
import { exchangeJson, type ExchangeErrors } from '../../http.ts';
import { AuthenticationError, NetworkError, errorForStatus } from './errors.ts';
import type { Session } from './session.ts';

/**
 * `server`: the app's X-API-Key and X-API-Secret (the user token when the client has no API key,
 * for what a user may do). `user`: the user token (Bearer).
 */
export type Credentials = 'server' | 'user';

export interface Answer<T> {
  body: T;
  headers: Headers;
}

function authHeaders(session: Session, credentials: Credentials): Record<string, string> {
  if (credentials === 'server' && session.apiKey !== undefined) {
    if (session.apiSecret === undefined) {
      // Heyyo checks a secret with every key: say so before the server answers a bare 401.
      throw new AuthenticationError(
        'Heyyo needs the API secret with the API key: pass apiKey as "<api_key>:<api_secret>" or give apiSecret',
        0,
      );
    }
    return { 'x-api-key': session.apiKey, 'x-api-secret': session.apiSecret };
  }
  return session.jwtToken === undefined ? {} : { authorization: `Bearer ${session.jwtToken}` };
}

/** How the compat client's exchanges fail: tegrabox's error classes. */
const TEGRABOX_ERRORS: ExchangeErrors = {
  network: (message) => new NetworkError(message, 0),
  response: (status, body, retryAfterHeader) => {
    const retryAfter = Number(retryAfterHeader ?? Number.NaN);
    const message = body?.error ?? `Request failed (${status})`;
    return errorForStatus(status, message, body?.code, Number.isFinite(retryAfter) ? retryAfter : undefined);
  },
};

export async function request<T>(
  session: Session,
  method: string,
  path: string,
  credentials: Credentials,
  body?: unknown,
): Promise<Answer<T>> {
  const fetcher = session.fetch ?? globalThis.fetch;
  return exchangeJson<T>(fetcher, `${session.baseUrl}${path}`, method, authHeaders(session, credentials), body, TEGRABOX_ERRORS);
}

/** Each path segment encoded: ids come from callers. */
export const segment = (id: string) => encodeURIComponent(id);
