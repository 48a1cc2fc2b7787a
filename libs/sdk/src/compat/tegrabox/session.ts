/** What a ChatClient was given, as every namespace reads it at each call (setBaseUrl and setJwtToken change it). */
export interface Session {
  baseUrl: string;
  apiKey: string | undefined;
  apiSecret: string | undefined;
  jwtToken: string | undefined;
  fetch: typeof fetch | undefined;
}

/** Node's `process.env.HEYYO_URL` where there is a `process` (not in browsers). */
function envBaseUrl(): string | undefined {
  const env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env;
  return env?.HEYYO_URL || undefined;
}

/** The server every client talks to unless told otherwise. */
export const defaultBaseUrl = () => envBaseUrl() ?? 'http://localhost:4000';

export const trimSlash = (url: string) => url.replace(/\/+$/, '');

/**
 * Heyyo's server credentials from tegrabox's one `apiKey`: `"<api_key>:<api_secret>"` carries both
 * (so only the env value changes in a migration); `apiSecret`, when given, wins.
 */
export function splitApiKey(apiKey: string | undefined, apiSecret: string | undefined) {
  if (apiKey === undefined) return { apiKey: undefined, apiSecret };
  const colon = apiKey.indexOf(':');
  if (colon === -1) return { apiKey, apiSecret };
  return { apiKey: apiKey.slice(0, colon), apiSecret: apiSecret ?? apiKey.slice(colon + 1) };
}
