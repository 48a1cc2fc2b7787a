import { errorFromResponse, isTokenError, NetworkError } from './errors.ts';

export interface HttpOptions {
  baseUrl: string;
  /** Returns the Authorization header value, if any. */
  authorization?: () => Promise<string | undefined>;
  /** Called once when a request fails with a token error; resolve to retry. */
  refreshAuthorization?: () => Promise<void>;
  /** Extra headers on every request (e.g. X-API-Key). */
  headers?: Record<string, string>;
  fetch?: typeof fetch;
}

/** JSON over fetch, turning every failure into a typed error. */
export class HttpClient {
  constructor(private readonly options: HttpOptions) {}

  async request<T>(method: string, path: string, body?: unknown): Promise<T> {
    try {
      return await this.send<T>(method, path, body);
    } catch (error) {
      if (!isTokenError(error) || !this.options.refreshAuthorization) throw error;
      await this.options.refreshAuthorization();
      return this.send<T>(method, path, body);
    }
  }

  private async send<T>(method: string, path: string, body: unknown): Promise<T> {
    const headers: Record<string, string> = { ...this.options.headers };
    const authorization = await this.options.authorization?.();
    if (authorization) headers.authorization = authorization;
    if (body !== undefined) headers['content-type'] = 'application/json';
    const fetcher = this.options.fetch ?? globalThis.fetch;
    let response: Response;
    try {
      response = await fetcher(`${this.options.baseUrl}${path}`, {
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
    if (!response.ok) throw errorFromResponse(response.status, parsed as never, response.headers.get('retry-after'));
    return parsed as T;
  }
}

/** `?a=1&b=2` from the defined entries, or ''. */
export function query(params: Record<string, string | number | undefined>): string {
  const entries = Object.entries(params).filter((entry): entry is [string, string | number] => entry[1] !== undefined);
  const pairs = entries.map(([key, value]): [string, string] => [key, String(value)]);
  return pairs.length ? `?${new URLSearchParams(pairs)}` : '';
}
