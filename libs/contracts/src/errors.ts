/**
 * Stable error codes sent next to the human-readable `error` text.
 * Clients branch on `code`; the text may be reworded, the code never is.
 */
export const ErrorCodes = {
  /** A body, query, params or socket payload that breaks the contract (400 / ack). */
  VALIDATION: 'HEYYO_ERR_VALIDATION',
  INVALID_JSON: 'HEYYO_ERR_INVALID_JSON',
  UNSUPPORTED_MEDIA_TYPE: 'HEYYO_ERR_UNSUPPORTED_MEDIA_TYPE',
  PAYLOAD_TOO_LARGE: 'HEYYO_ERR_PAYLOAD_TOO_LARGE',
  /** No credentials where some are required (401). */
  AUTH_REQUIRED: 'HEYYO_ERR_AUTH_REQUIRED',
  /** A user JWT that fails verification (403, as the seed has it). */
  INVALID_TOKEN: 'HEYYO_ERR_INVALID_TOKEN',
  TOKEN_EXPIRED: 'HEYYO_ERR_TOKEN_EXPIRED',
  /** A user JWT revoked by the tenant's backend (403, like an invalid one). */
  TOKEN_REVOKED: 'HEYYO_ERR_TOKEN_REVOKED',
  /**
   * The user was deactivated (`DELETE /api/users/:id`): their tokens are refused and none is minted
   * (403) until the tenant reactivates them (`POST /api/users/:id/reactivate`).
   */
  USER_DEACTIVATED: 'HEYYO_ERR_USER_DEACTIVATED',
  /** The user was erased (`DELETE /api/users/:id?hard=true`): their profile cannot change or come back (409). */
  USER_ERASED: 'HEYYO_ERR_USER_ERASED',
  /** Wrong api_key / api_secret (401). */
  INVALID_CREDENTIALS: 'HEYYO_ERR_INVALID_CREDENTIALS',
  INVALID_ADMIN_TOKEN: 'HEYYO_ERR_INVALID_ADMIN_TOKEN',
  NOT_MEMBER: 'HEYYO_ERR_NOT_MEMBER',
  /** A member whose channel role (or app role) does not allow the action (403). */
  FORBIDDEN: 'HEYYO_ERR_FORBIDDEN',
  MEMBER_NOT_FOUND: 'HEYYO_ERR_MEMBER_NOT_FOUND',
  CHANNEL_NOT_FOUND: 'HEYYO_ERR_CHANNEL_NOT_FOUND',
  USER_NOT_FOUND: 'HEYYO_ERR_USER_NOT_FOUND',
  MESSAGE_NOT_FOUND: 'HEYYO_ERR_MESSAGE_NOT_FOUND',
  PARENT_NOT_FOUND: 'HEYYO_ERR_PARENT_NOT_FOUND',
  ROUTE_NOT_FOUND: 'HEYYO_ERR_ROUTE_NOT_FOUND',
  /** Banned from the channel (403; the ban may end at a time) or app-wide by the tenant (403: the user reads but writes nowhere). */
  BANNED: 'HEYYO_ERR_BANNED',
  /** Muted in the channel: reads, cannot send, edit or react (403). */
  MUTED: 'HEYYO_ERR_MUTED',
  /** The channel's slow mode: the member's next message is allowed in `retry-after` seconds (429). */
  SLOW_MODE: 'HEYYO_ERR_SLOW_MODE',
  /** The change would leave a channel that has members without an owner (409). */
  LAST_OWNER: 'HEYYO_ERR_LAST_OWNER',
  /** A catch-up position too far behind: reload the channel's history instead. */
  RESYNC_REQUIRED: 'HEYYO_ERR_RESYNC_REQUIRED',
  RATE_LIMITED: 'HEYYO_ERR_RATE_LIMITED',
  /** No such webhook endpoint in the app (404). */
  WEBHOOK_NOT_FOUND: 'HEYYO_ERR_WEBHOOK_NOT_FOUND',
  /** No such delivery of the endpoint (404). */
  DELIVERY_NOT_FOUND: 'HEYYO_ERR_DELIVERY_NOT_FOUND',
  /** The app has as many webhook endpoints as it may (409, HEYYO_WEBHOOK_MAX_ENDPOINTS). */
  WEBHOOK_LIMIT: 'HEYYO_ERR_WEBHOOK_LIMIT',
  /**
   * Postgres or Redis is down or did not answer in time (503, with `retry-after` on REST): nothing
   * was changed, or (when an answer was lost after a commit) a retry with the same `client_id`
   * returns what was stored. Retry after the delay.
   */
  UNAVAILABLE: 'HEYYO_ERR_UNAVAILABLE',
  /**
   * The node works at its bound (`HEYYO_MAX_IN_FLIGHT`) and refused this at once, changing nothing
   * (503, with `retry-after` on REST): retry after the delay (the SDK does, with the same client id).
   */
  OVERLOADED: 'HEYYO_ERR_OVERLOADED',
  /** A server fault: the body carries an `errorId` that is also in the server log. */
  INTERNAL: 'HEYYO_ERR_INTERNAL',
} as const;

export type ErrorCode = (typeof ErrorCodes)[keyof typeof ErrorCodes];
