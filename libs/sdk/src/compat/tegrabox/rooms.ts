/** `client.rooms`: Heyyo channels in tegrabox's names and fields. */
import type { Channel, ChannelDetails, ChannelListItem } from '@heyyo/contracts';
import { query } from '../../http.ts';
import { request, segment } from './http.ts';
import { pageWindow, paginated, toRoom } from './mapping.ts';
import type { Session } from './session.ts';
import type { CreateRoomInput, PaginatedResponse, PaginationParams, Room, UpdateRoomInput } from './types.ts';

const DEFAULT_LIMIT = 20;

export class RoomsAPI {
  constructor(private readonly session: Session) {}

  /** Every room of your app with the API key; with only a user token, the rooms of that user. */
  async list(params: PaginationParams = {}): Promise<PaginatedResponse<Room>> {
    const window = pageWindow(params, DEFAULT_LIMIT);
    const { body, headers } = await request<ChannelListItem[]>(
      this.session,
      'GET',
      `/api/channels${query({ limit: window.limit, offset: window.offset })}`,
      'server',
    );
    return paginated(body.map(toRoom), window, headers.get('x-total-count'));
  }

  /**
   * Creates the room; `created_by` (an internal user id) becomes its owner and first member.
   * With only a user token the token's user does: Heyyo's user route takes no `created_by`.
   */
  async create(input: CreateRoomInput): Promise<Room> {
    const creator = this.session.apiKey !== undefined ? { created_by: input.created_by } : {};
    const { body } = await request<Channel>(this.session, 'POST', '/api/channels', 'server', {
      name: input.name,
      ...creator,
      ...(input.description !== undefined ? { description: input.description } : {}),
      ...(input.type !== undefined ? { type: input.type } : {}),
      ...(input.metadata !== undefined ? { metadata: input.metadata } : {}),
      ...(input.members !== undefined ? { members: input.members } : {}),
    });
    return toRoom(body);
  }

  /** The room with its members. */
  async get(id: string): Promise<Room> {
    return toRoom((await request<ChannelDetails>(this.session, 'GET', `/api/channels/${segment(id)}`, 'server')).body);
  }

  /** The token's user joins the room (needs `jwtToken`). Joining twice is not an error. */
  async join(id: string): Promise<void> {
    await request(this.session, 'POST', `/api/channels/${segment(id)}/join`, 'user');
  }

  /**
   * The token's user leaves the room (needs `jwtToken`). Leaving a room one is not in is not an
   * error; the last owner of a room with other members gets a ConflictError.
   */
  async leave(id: string): Promise<void> {
    await request(this.session, 'POST', `/api/channels/${segment(id)}/leave`, 'user');
  }

  /** Renames the room or changes its description or metadata; members hear `channel.updated`. Works on Heyyo (tegrabox: 501). */
  async update(id: string, changes: UpdateRoomInput): Promise<Room> {
    return toRoom((await request<Channel>(this.session, 'PATCH', `/api/channels/${segment(id)}`, 'server', changes)).body);
  }

  /** Deletes the room and its messages; it answers 404 from then on. Works on Heyyo (tegrabox: 501). */
  async delete(id: string): Promise<void> {
    await request(this.session, 'DELETE', `/api/channels/${segment(id)}`, 'server');
  }
}
