/**
 * `@heyyo/sdk/compat/tegrabox`: a drop-in for `@tegrabox/chat-sdk`. Replace
 * `import ChatClient from '@tegrabox/chat-sdk'` with `import ChatClient from '@heyyo/sdk/compat/tegrabox'`.
 */
import { ChatClient } from './client.ts';

export default ChatClient;
export { ChatClient, type ChatClientOptions } from './client.ts';
export {
  AuthenticationError,
  NotFoundError,
  ValidationError,
  ConflictError,
  RateLimitError,
  ServerError,
  NetworkError,
  WebSocketError,
} from './errors.ts';
export { HeyyoError } from '../../errors.ts';
export type { UsersAPI } from './users.ts';
export type { RoomsAPI } from './rooms.ts';
export type { MessagesAPI } from './messages.ts';
export type { AuthAPI } from './auth.ts';
export type { ChatSocket } from './socket.ts';
export type {
  AuthInfo,
  ChatUser,
  CreateMessageInput,
  CreateRoomInput,
  CreateUserInput,
  Message,
  PaginatedResponse,
  PaginationParams,
  Room,
  RoomMember,
  RoomUserEvent,
  TokenResponse,
  UpdateRoomInput,
  UpdateUserInput,
} from './types.ts';
