import type { UpsertUserRequest, User } from '@heyyo/contracts';
import type { AppId, Page, Repositories } from '@heyyo/database';
import { Errors } from './errors.ts';
import { presentUser } from './presenters.ts';

/** Server-side user management for tenant backends (API-key authenticated). */
export function createUsersService(deps: { repos: Pick<Repositories, 'users'> }) {
  const { repos } = deps;
  return {
    /** Creates the user or updates the profile fields given, exactly as token minting does. */
    async upsert(appId: AppId, request: UpsertUserRequest): Promise<User> {
      const user = await repos.users.upsert(appId, {
        externalId: request.user_id,
        displayName: request.display_name,
        avatarUrl: request.avatar_url,
      });
      return presentUser(user);
    },

    async list(appId: AppId, page: Page): Promise<User[]> {
      return (await repos.users.list(appId, page)).map(presentUser);
    },

    async get(appId: AppId, userId: string): Promise<User> {
      const user = await repos.users.findById(appId, userId);
      if (!user) throw Errors.userNotFound();
      return presentUser(user);
    },
  };
}

export type UsersService = ReturnType<typeof createUsersService>;
