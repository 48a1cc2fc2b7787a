import { ErrorCodes, type ErrorCode } from '@heyyo/contracts';

/**
 * A failure the client caused or may see. The REST error handler and the socket
 * ack wrapper turn it into `{ error, code }` with `status`.
 */
export class HeyyoError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly status: number,
    /** When to retry, for a temporary refusal (REST sends it as `retry-after`). */
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
    this.name = 'HeyyoError';
  }
}

export function createError(code: ErrorCode, message: string, status: number, retryAfterSeconds?: number): HeyyoError {
  return new HeyyoError(code, message, status, retryAfterSeconds);
}

/** The catalogue: every error a domain service throws comes from here. */
export const Errors = {
  validation: (message: string) => createError(ErrorCodes.VALIDATION, message, 400),
  authRequired: () => createError(ErrorCodes.AUTH_REQUIRED, 'Authentication required', 401),
  userTokenRequired: () =>
    createError(ErrorCodes.AUTH_REQUIRED, 'This route acts as a user: send a user token (Authorization: Bearer), not API credentials', 401),
  // The seed answers 403 for a token that fails verification.
  invalidToken: () => createError(ErrorCodes.INVALID_TOKEN, 'Invalid token', 403),
  tokenExpired: () => createError(ErrorCodes.TOKEN_EXPIRED, 'Token expired', 403),
  /** `auth.refresh` with a valid token of someone else: a socket keeps the user it connected as. */
  tokenForAnotherUser: () => createError(ErrorCodes.INVALID_TOKEN, 'Token is for another user', 403),
  invalidCredentials: () => createError(ErrorCodes.INVALID_CREDENTIALS, 'Invalid API credentials', 401),
  adminTokenRequired: () => createError(ErrorCodes.AUTH_REQUIRED, 'Admin token required', 401),
  invalidAdminToken: () => createError(ErrorCodes.INVALID_ADMIN_TOKEN, 'Invalid admin token', 403),
  tokenRevoked: () => createError(ErrorCodes.TOKEN_REVOKED, 'Token revoked', 403),
  /** A token of a deactivated user, or a token asked for one: the tenant must reactivate them first. */
  userDeactivated: () => createError(ErrorCodes.USER_DEACTIVATED, 'User is deactivated', 403),
  userErased: () => createError(ErrorCodes.USER_ERASED, 'User was erased; create a new user instead', 409),
  notMember: () => createError(ErrorCodes.NOT_MEMBER, 'Not a member of this channel', 403),
  forbidden: (action: string) => createError(ErrorCodes.FORBIDDEN, `Your role in this channel does not allow this (${action})`, 403),
  memberNotFound: () => createError(ErrorCodes.MEMBER_NOT_FOUND, 'Member not found', 404),
  ownerProtected: () => createError(ErrorCodes.FORBIDDEN, 'Only an owner or an app admin can remove an owner', 403),
  bannedFromChannel: () => createError(ErrorCodes.BANNED, 'You are banned from this channel', 403),
  /** Adding a member the channel banned. */
  userBannedFromChannel: () => createError(ErrorCodes.BANNED, 'This user is banned from this channel', 403),
  bannedInApp: () => createError(ErrorCodes.BANNED, 'You are banned in this app', 403),
  muted: () => createError(ErrorCodes.MUTED, 'You are muted in this channel', 403),
  slowMode: (retryAfterSeconds: number) =>
    createError(ErrorCodes.SLOW_MODE, `Slow mode is on: your next message in ${retryAfterSeconds} s`, 429, retryAfterSeconds),
  channelNotFound: () => createError(ErrorCodes.CHANNEL_NOT_FOUND, 'Channel not found', 404),
  lastOwner: () =>
    createError(ErrorCodes.LAST_OWNER, 'The last owner cannot leave a channel that has other members; make another member owner first', 409),
  lastOwnerRole: () => createError(ErrorCodes.LAST_OWNER, 'A channel keeps at least one owner; make another member owner first', 409),
  userNotFound: () => createError(ErrorCodes.USER_NOT_FOUND, 'User not found', 404),
  messageNotFound: () => createError(ErrorCodes.MESSAGE_NOT_FOUND, 'Message not found', 404),
  // The seed's wording: a stranger's message and a missing one look the same.
  messageNotFoundOrUnauthorized: () =>
    createError(ErrorCodes.MESSAGE_NOT_FOUND, 'Message not found or unauthorized', 404),
  parentNotFound: () => createError(ErrorCodes.PARENT_NOT_FOUND, 'Parent message not found', 404),
  /** Threads are one level deep (as Slack's and Stream's): a reply goes to the thread's parent. */
  replyToReply: () =>
    createError(ErrorCodes.VALIDATION, 'Cannot reply to a reply: set parent_id to the message that started the thread', 400),
  rateLimited: (message: string) => createError(ErrorCodes.RATE_LIMITED, message, 429),
  /** A user's write budget (messages and reactions, REST and sockets together) is spent for now. */
  writesSpent: (retryAfterSeconds: number) =>
    createError(ErrorCodes.RATE_LIMITED, `Too many messages and reactions, retry in ${retryAfterSeconds} s`, 429, retryAfterSeconds),
  /** Too many failed credential checks from this address (or with this api_key from it). */
  credentialsLocked: (retryAfterSeconds: number) =>
    createError(ErrorCodes.RATE_LIMITED, `Too many failed authentication attempts, retry in ${retryAfterSeconds} s`, 429, retryAfterSeconds),
  unavailable: () => createError(ErrorCodes.UNAVAILABLE, 'Service temporarily unavailable, retry shortly', 503),
  overloaded: () => createError(ErrorCodes.OVERLOADED, 'Server busy, retry shortly', 503, 1),
  resyncRequired: (behind: number, max: number, unit: 'messages' | 'versions' = 'messages') =>
    createError(
      ErrorCodes.RESYNC_REQUIRED,
      `Too far behind to catch up (${behind} ${unit}, at most ${max}): reload the channel history`,
      410,
    ),
} as const;
