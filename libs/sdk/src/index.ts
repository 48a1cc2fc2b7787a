export { HeyyoClient, type HeyyoClientOptions, type SendOptions, type ClientEvents } from './client.ts';
export {
  HeyyoServerClient,
  HeyyoAdminClient,
  type HeyyoServerClientOptions,
  type TokenOptions,
} from './server-client.ts';
export type { ConnectionState } from './connection.ts';
export { applyReply } from './threads.ts';
export {
  HeyyoError,
  AuthenticationError,
  ForbiddenError,
  NotFoundError,
  ValidationError,
  ConflictError,
  RateLimitError,
  ServerError,
  UnavailableError,
  NetworkError,
  WebSocketError,
} from './errors.ts';
export { ErrorCodes } from '@heyyo/contracts';
export type {
  Attachment,
  AuthRevokedEvent,
  Channel,
  ChannelDetails,
  ChannelListItem,
  ChannelMember,
  DiscoverChannel,
  ErrorCode,
  ListedMessage,
  MemberJoinedEvent,
  MemberLeftEvent,
  MemberRemovedEvent,
  MemberRole,
  MemberUpdatedEvent,
  Message,
  MessageDeletedEvent,
  PresenceEvent,
  ReactionEvent,
  ReadState,
  RevokeTokensResponse,
  TokenResponse,
  TypingEvent,
  User,
  VerifyResponse,
  AppSummary,
  CreatedApp,
} from '@heyyo/contracts';
