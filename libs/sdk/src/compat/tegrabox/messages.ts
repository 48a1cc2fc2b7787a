/** `client.messages`: a room's messages, `content` for Heyyo's `text`. */
import type { ListedMessage, Message as HeyyoMessage } from '@heyyo/contracts';
import { query } from '../../http.ts';
import { request, segment } from './http.ts';
import { pageWindow, paginated, toMessage } from './mapping.ts';
import type { Session } from './session.ts';
import type { CreateMessageInput, Message, PaginatedResponse, PaginationParams } from './types.ts';

const DEFAULT_LIMIT = 50;

const messagesPath = (roomId: string) => `/api/channels/${segment(roomId)}/messages`;

export class MessagesAPI {
  constructor(private readonly session: Session) {}

  /** A page of the room's history: page 1 holds the newest `limit` messages, each page oldest first. */
  async list(roomId: string, params: PaginationParams = {}): Promise<PaginatedResponse<Message>> {
    const window = pageWindow(params, DEFAULT_LIMIT);
    const { body, headers } = await request<ListedMessage[]>(
      this.session,
      'GET',
      `${messagesPath(roomId)}${query({ page: window.page, limit: window.limit })}`,
      'server',
    );
    return paginated(body.map(toMessage), window, headers.get('x-total-count'));
  }

  /** Sends as `user_id` (with the API key), who must be a member; members get it on their sockets. */
  async create(roomId: string, input: CreateMessageInput): Promise<Message> {
    // With only a user token the token's user writes: Heyyo's user route takes no user_id.
    const author = this.session.apiKey !== undefined ? { user_id: input.user_id } : {};
    const { body } = await request<HeyyoMessage>(this.session, 'POST', messagesPath(roomId), 'server', {
      text: input.content,
      ...author,
    });
    return toMessage(body);
  }

  /** Deletes the message (a tombstone stays in the room's seq order); members hear `message.deleted`. Works on Heyyo (tegrabox: 501). */
  async delete(roomId: string, messageId: string): Promise<void> {
    await request(this.session, 'DELETE', `${messagesPath(roomId)}/${segment(messageId)}`, 'server');
  }
}
