/** REST for the compat client: server credentials or the user token per call, typed tegrabox errors, the answer's headers. */
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

export async function request<T>(
  session: Session,
  method: string,
  path: string,
  credentials: Credentials,
  body?: unknown,
): Promise<Answer<T>> {
  const headers = authHeaders(session, credentials);
  if (body !== undefined) headers['content-type'] = 'application/json';
  let response: Response;
  try {
    response = await (session.fetch ?? globalThis.fetch)(`${session.baseUrl}${path}`, {
      method,
      headers,
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  } catch (error) {
    throw new NetworkError(error instanceof Error ? error.message : 'Network request failed', 0);
  }
  const text = await response.text();
  let parsed: unknown;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    parsed = undefined;
  }
  if (!response.ok) {
    const { error, code } = (parsed ?? {}) as { error?: string; code?: string };
    const retryAfter = Number(response.headers.get('retry-after') ?? Number.NaN);
    const message = error ?? `Request failed (${response.status})`;
    throw errorForStatus(response.status, message, code, Number.isFinite(retryAfter) ? retryAfter : undefined);
  }
  return { body: parsed as T, headers: response.headers };
}

/** Each path segment encoded: ids come from callers. */
export const segment = (id: string) => encodeURIComponent(id);
