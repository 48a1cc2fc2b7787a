/**
 * Stable error codes sent next to the human-readable `error` text.
 * Clients branch on `code`; the text may be reworded, the code never is.
 */
export const ErrorCodes = {
  VALIDATION: 'HEYYO_ERR_VALIDATION',
  INVALID_JSON: 'HEYYO_ERR_INVALID_JSON',
  UNSUPPORTED_MEDIA_TYPE: 'HEYYO_ERR_UNSUPPORTED_MEDIA_TYPE',
  PAYLOAD_TOO_LARGE: 'HEYYO_ERR_PAYLOAD_TOO_LARGE',
  AUTH_REQUIRED: 'HEYYO_ERR_AUTH_REQUIRED',
  INVALID_TOKEN: 'HEYYO_ERR_INVALID_TOKEN',
  TOKEN_EXPIRED: 'HEYYO_ERR_TOKEN_EXPIRED',
  INVALID_CREDENTIALS: 'HEYYO_ERR_INVALID_CREDENTIALS',
  INVALID_ADMIN_TOKEN: 'HEYYO_ERR_INVALID_ADMIN_TOKEN',
  NOT_MEMBER: 'HEYYO_ERR_NOT_MEMBER',
  CHANNEL_NOT_FOUND: 'HEYYO_ERR_CHANNEL_NOT_FOUND',
  USER_NOT_FOUND: 'HEYYO_ERR_USER_NOT_FOUND',
  MESSAGE_NOT_FOUND: 'HEYYO_ERR_MESSAGE_NOT_FOUND',
  PARENT_NOT_FOUND: 'HEYYO_ERR_PARENT_NOT_FOUND',
  ROUTE_NOT_FOUND: 'HEYYO_ERR_ROUTE_NOT_FOUND',
  CONFLICT: 'HEYYO_ERR_CONFLICT',
  /** A catch-up position too far behind: reload the channel's history instead. */
  RESYNC_REQUIRED: 'HEYYO_ERR_RESYNC_REQUIRED',
  RATE_LIMITED: 'HEYYO_ERR_RATE_LIMITED',
  INTERNAL: 'HEYYO_ERR_INTERNAL',
  UNAVAILABLE: 'HEYYO_ERR_UNAVAILABLE',
} as const;

export type ErrorCode = (typeof ErrorCodes)[keyof typeof ErrorCodes];

/** The body of every error response: the seed's `{ error }` plus a stable `code`. */
export interface ErrorBody {
  error: string;
  code: ErrorCode;
  /** Only on 500s: quote it to the operator, it is in the server log too. */
  errorId?: string;
}
