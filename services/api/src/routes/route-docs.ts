/**
 * What the OpenAPI document says of a route beyond its shapes: summary, tag, who may
 * call it, and the errors it answers with (each an ErrorBody).
 */
import { STATUS_CODES } from 'node:http';
import { ErrorBody } from '@heyyo/contracts';

/**
 * The credentials a route takes: the names of OpenAPI security schemes (see openapi.ts).
 * `user-or-app`: a user token, or the app's API credentials (the server API, docs/server-api.md).
 */
export type RouteAuth = 'none' | 'admin' | 'user' | 'app' | 'user-or-app';

const SECURITY: Record<RouteAuth, Record<string, string[]>[]> = {
  none: [],
  admin: [{ adminToken: [] }],
  user: [{ userToken: [] }],
  app: [{ apiKey: [], apiSecret: [] }],
  'user-or-app': [{ userToken: [] }, { apiKey: [], apiSecret: [] }],
};

/** The response headers of a paged list, as @fastify/swagger documents them. */
const PAGING_HEADERS = {
  'x-total-count': { type: 'integer', description: 'How many items the whole list holds.' },
  link: { type: 'string', description: 'RFC 8288 links to the first, prev, next and last pages (paths of this origin).' },
};

/** What every paged list says of its paging (plugins/paging.ts). */
export const PAGED =
  'Paged with `limit` and `offset`, or `limit` and `page` (from 1); the headers `X-Total-Count` (the whole list) and ' +
  '`Link` (first, prev, next, last) come with every page.';

/** What each failure status means here (its `code` says which case). */
const ERROR_DESCRIPTIONS: Record<number, string> = {
  400: 'Invalid input: a body, query or path value breaks the contract (HEYYO_ERR_VALIDATION, HEYYO_ERR_INVALID_JSON).',
  401: 'Credentials missing or wrong (HEYYO_ERR_AUTH_REQUIRED, HEYYO_ERR_INVALID_CREDENTIALS).',
  403:
    'Token invalid, expired or revoked, its user deactivated, or not allowed (HEYYO_ERR_INVALID_TOKEN, HEYYO_ERR_TOKEN_EXPIRED, ' +
    'HEYYO_ERR_TOKEN_REVOKED, HEYYO_ERR_USER_DEACTIVATED, HEYYO_ERR_NOT_MEMBER, HEYYO_ERR_FORBIDDEN, HEYYO_ERR_INVALID_ADMIN_TOKEN).',
  404:
    'Not found, or not visible to the caller (HEYYO_ERR_CHANNEL_NOT_FOUND, HEYYO_ERR_USER_NOT_FOUND, HEYYO_ERR_MESSAGE_NOT_FOUND, ' +
    'HEYYO_ERR_PARENT_NOT_FOUND, HEYYO_ERR_MEMBER_NOT_FOUND, HEYYO_ERR_WEBHOOK_NOT_FOUND, HEYYO_ERR_DELIVERY_NOT_FOUND).',
  409:
    'The change would leave a channel that has members without an owner (HEYYO_ERR_LAST_OWNER), or its user was erased ' +
    '(HEYYO_ERR_USER_ERASED), or the app has as many webhook endpoints as it may (HEYYO_ERR_WEBHOOK_LIMIT).',
  413: 'Request body over the size limit (HEYYO_ERR_PAYLOAD_TOO_LARGE).',
  415: 'Content-Type is not application/json (HEYYO_ERR_UNSUPPORTED_MEDIA_TYPE).',
  410: 'Too far behind to catch up: reload the history (HEYYO_ERR_RESYNC_REQUIRED).',
  429:
    'Rate limited, or too many failed credential checks from this IP (or with this api_key) (HEYYO_ERR_RATE_LIMITED); ' +
    'the retry-after header says when to retry.',
  500: 'Server fault (HEYYO_ERR_INTERNAL); quote the errorId to the operator.',
  503:
    'The node works at its bound (HEYYO_ERR_OVERLOADED), or Postgres or Redis is down or did not answer in time ' +
    '(HEYYO_ERR_UNAVAILABLE): retry after the retry-after header (a send with the same client_id is stored once).',
};

/** Failures each kind of route can answer, besides its own. */
const AUTH_ERRORS: Record<RouteAuth, number[]> = { none: [], admin: [401, 403], user: [401, 403], app: [401], 'user-or-app': [401, 403] };

export interface RouteDocs {
  summary: string;
  description?: string;
  tag: 'Operations' | 'Apps' | 'Auth' | 'Users' | 'Channels' | 'Moderation' | 'Messages' | 'Reactions' | 'Webhooks' | 'Demo';
  auth: RouteAuth;
  /** Statuses this route answers with an ErrorBody besides 400, 429, 500 and its auth's. */
  errors?: number[];
  /** Whether the route validates input (adds 400). @defaultValue true */
  validates?: boolean;
  /** Whether the route is rate limited (adds 429). @defaultValue true */
  rateLimited?: boolean;
  /** A paged list: its 200 carries X-Total-Count and Link. */
  paged?: boolean;
  /** Whether the route reads or writes Postgres or Redis (adds 503). @defaultValue true */
  usesStorage?: boolean;
}

/**
 * A route's `schema`: its shapes (from @heyyo/contracts) plus its documentation and an
 * ErrorBody response for every failure status it can answer. The error responses are
 * left out of the static type, so a handler's return type stays its success shapes.
 */
export function documented<S extends { response: Record<number, unknown> }>(docs: RouteDocs, shapes: S): S {
  const statuses = new Set([
    ...(docs.validates === false ? [] : [400]),
    ...AUTH_ERRORS[docs.auth],
    ...(docs.errors ?? []),
    ...('body' in shapes ? [413, 415] : []),
    ...(docs.rateLimited === false ? [] : [429]),
    500,
    ...(docs.usesStorage === false ? [] : [503]),
  ]);
  const errorResponses = Object.fromEntries(
    [...statuses].sort().map((status) => [status, { ...ErrorBody, description: ERROR_DESCRIPTIONS[status] ?? STATUS_CODES[status] }]),
  );
  // OpenAPI requires a description per response; Fastify's default says "Default Response".
  const successResponses = Object.fromEntries(
    Object.entries(shapes.response).map(([status, schema]) => [
      status,
      { description: STATUS_CODES[Number(status)], ...(docs.paged && status === '200' ? { headers: PAGING_HEADERS } : {}), ...(schema as object) },
    ]),
  );
  return {
    ...shapes,
    response: { ...successResponses, ...errorResponses },
    summary: docs.summary,
    ...(docs.description ? { description: docs.description } : {}),
    tags: [docs.tag],
    security: SECURITY[docs.auth],
  };
}
