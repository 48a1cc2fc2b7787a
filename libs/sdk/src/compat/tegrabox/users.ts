/** `client.users`: Heyyo's server-side user API (`/api/users`, `/api/auth/token`) in tegrabox's names and fields. */
import type { RevokeTokensResponse, TokenResponse as HeyyoTokenResponse, User } from '@heyyo/contracts';
import { query } from '../../http.ts';
import { ValidationError } from './errors.ts';
import { request, segment } from './http.ts';
import { mergeUserMetadata, metadataFieldsOf, pageWindow, paginated, toChatUser } from './mapping.ts';
import type { Session } from './session.ts';
import type { ChatUser, CreateUserInput, PaginatedResponse, PaginationParams, TokenResponse, UpdateUserInput } from './types.ts';

const DEFAULT_LIMIT = 50;

export class UsersAPI {
  constructor(private readonly session: Session) {}

  /**
   * Creates the user, or updates the one with this `username` (Heyyo upserts by external id, so
   * a retried create is harmless). `external_user_id`, `email` and `status` go to its metadata.
   */
  async create(input: CreateUserInput): Promise<ChatUser> {
    const { body: user } = await request<User>(this.session, 'POST', '/api/users', 'server', {
      user_id: input.username,
      ...(input.display_name !== undefined ? { display_name: input.display_name } : {}),
      ...(input.avatar_url !== undefined ? { avatar_url: input.avatar_url } : {}),
    });
    return toChatUser(await this.writeMetadata(user, input));
  }

  async list(params: PaginationParams = {}): Promise<PaginatedResponse<ChatUser>> {
    const window = pageWindow(params, DEFAULT_LIMIT);
    const { body, headers } = await request<User[]>(
      this.session,
      'GET',
      `/api/users${query({ limit: window.limit, offset: window.offset })}`,
      'server',
    );
    return paginated(body.map(toChatUser), window, headers.get('x-total-count'));
  }

  async get(id: string): Promise<ChatUser> {
    return toChatUser(await this.fetchUser(id));
  }

  async update(id: string, changes: UpdateUserInput): Promise<ChatUser> {
    if ('username' in changes) {
      throw new ValidationError("username cannot change: it is the user's Heyyo external id", 400);
    }
    const profile = {
      ...(changes.display_name !== undefined ? { display_name: changes.display_name } : {}),
      ...(changes.avatar_url !== undefined ? { avatar_url: changes.avatar_url } : {}),
    };
    // Heyyo's PATCH replaces metadata whole: read it first to change only tegrabox's keys.
    const metadata =
      metadataFieldsOf(changes).length > 0 ? mergeUserMetadata((await this.fetchUser(id)).metadata, changes) : undefined;
    const { body: user } = await request<User>(this.session, 'PATCH', `/api/users/${segment(id)}`, 'server', {
      ...profile,
      ...(metadata ? { metadata } : {}),
    });
    return toChatUser(user);
  }

  /** A user JWT for the user (by internal id), for their socket and `auth.verify()`. */
  async generateToken(id: string): Promise<TokenResponse> {
    const user = await this.fetchUser(id);
    const { body } = await request<HeyyoTokenResponse>(this.session, 'POST', '/api/auth/token', 'server', {
      api_key: this.session.apiKey,
      api_secret: this.session.apiSecret,
      user_id: user.external_id,
    });
    return { token: body.token, expires_in: body.expires_in, user_id: body.user_id };
  }

  /** Refuses every token of the user issued before now, on every Heyyo node within a second; their sockets are disconnected. */
  async revokeToken(id: string): Promise<void> {
    await request<RevokeTokensResponse>(this.session, 'POST', `/api/users/${segment(id)}/revoke-tokens`, 'server');
  }

  /**
   * Deactivates the user: their tokens are refused and none is minted; their messages stay.
   * `{ hard: true }` erases them instead (GDPR): messages become tombstones, the profile is wiped.
   */
  async delete(id: string, options: { hard?: boolean } = {}): Promise<void> {
    await request<User>(this.session, 'DELETE', `/api/users/${segment(id)}${query({ hard: options.hard ? 'true' : undefined })}`, 'server');
  }

  private async fetchUser(id: string): Promise<User> {
    return (await request<User>(this.session, 'GET', `/api/users/${segment(id)}`, 'server')).body;
  }

  /** Writes tegrabox's metadata fields of `input` into the user's metadata, when it names any. */
  private async writeMetadata(user: User, input: CreateUserInput): Promise<User> {
    const metadata = mergeUserMetadata(user.metadata, input);
    if (!metadata) return user;
    return (await request<User>(this.session, 'PATCH', `/api/users/${segment(user.id)}`, 'server', { metadata })).body;
  }
}
