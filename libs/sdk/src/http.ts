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

/** Which page of a list to read: `page` (from 1) or `offset`, and its size. */
export interface PageParams {
  page?: number;
  limit?: number;
  offset?: number;
}

/** A page of a list and the list's size (the server's X-Total-Count), shaped as most chat SDKs page. */
export interface Paginated<T> {
  items: T[];
  /** This page's number, from 1 (with an `offset` that is not a multiple of `limit`: the page it starts in). */
  page: number;
  limit: number;
  /** Items in the whole list. */
  total: number;
  totalPages: number;
}

/** JSON over fetch, turning every failure into a typed error. */
export class HttpClient {
  constructor(private readonly options: HttpOptions) {}

  async request<T>(method: string, path: string, body?: unknown): Promise<T> {
    return (await this.exchange<T>(method, path, body)).body;
  }

  /**
   * GETs a page of a list: `path` with the paging parameters added, and the list's size from the
   * X-Total-Count header. `defaultLimit` is the server's default for the route.
   */
  async requestPage<T>(path: string, page: PageParams, defaultLimit: number): Promise<Paginated<T>> {
    const separator = path.includes('?') ? '&' : '?';
    const paging = query({ page: page.page, limit: page.limit, offset: page.offset });
    const { body, headers } = await this.exchange<T[]>('GET', `${path}${paging ? `${separator}${paging.slice(1)}` : ''}`);
    const limit = page.limit ?? defaultLimit;
    const total = Number(headers.get('x-total-count') ?? body.length);
    const offset = page.offset ?? ((page.page ?? 1) - 1) * limit;
    return { items: body, page: Math.floor(offset / limit) + 1, limit, total, totalPages: Math.ceil(total / limit) };
  }

  private async exchange<T>(method: string, path: string, body?: unknown): Promise<{ body: T; headers: Headers }> {
    try {
      return await this.send<T>(method, path, body);
    } catch (error) {
      if (!isTokenError(error) || !this.options.refreshAuthorization) throw error;
      await this.options.refreshAuthorization();
      return this.send<T>(method, path, body);
    }
  }

  private async send<T>(method: string, path: string, body: unknown): Promise<{ body: T; headers: Headers }> {
    const headers: Record<string, string> = { ...this.options.headers };
    const authorization = await this.options.authorization?.();
    if (authorization) headers.authorization = authorization;
    return exchangeJson<T>(this.options.fetch ?? globalThis.fetch, `${this.options.baseUrl}${path}`, method, headers, body, SDK_ERRORS);
  }
}

/** How a JSON exchange turns a failure into an error: the SDK's classes, or the compat client's. */
export interface ExchangeErrors {
  network(message: string): Error;
  response(status: number, body: { error?: string; code?: string } | undefined, retryAfter: string | null): Error;
}

const SDK_ERRORS: ExchangeErrors = {
  network: (message) => new NetworkError(message, 0),
  response: (status, body, retryAfter) => errorFromResponse(status, body, retryAfter),
};

/**
 * One JSON request over fetch (a body sent as JSON when given): the parsed answer and its
 * headers, or the error `errors` makes of a network failure or an error status.
 */
export async function exchangeJson<T>(
  fetcher: typeof fetch,
  url: string,
  method: string,
  headers: Record<string, string>,
  body: unknown,
  errors: ExchangeErrors,
): Promise<{ body: T; headers: Headers }> {
  let response: Response;
  try {
    response = await fetcher(url, {
      method,
      headers: body === undefined ? headers : { ...headers, 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  } catch (error) {
    throw errors.network(error instanceof Error ? error.message : 'Network request failed');
  }
  const text = await response.text();
  let parsed: unknown;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    parsed = undefined;
  }
  if (!response.ok) throw errors.response(response.status, parsed as never, response.headers.get('retry-after'));
  return { body: parsed as T, headers: response.headers };
}

/** `?a=1&b=2` from the defined entries, or ''. */
export function query(params: Record<string, string | number | undefined>): string {
  const entries = Object.entries(params).filter((entry): entry is [string, string | number] => entry[1] !== undefined);
  const pairs = entries.map(([key, value]): [string, string] => [key, String(value)]);
  return pairs.length ? `?${new URLSearchParams(pairs)}` : '';
}
