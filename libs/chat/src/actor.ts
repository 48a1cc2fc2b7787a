import type { AppRole } from '@heyyo/auth';
import type { AppId } from '@heyyo/database';

/** The authenticated user a request or socket acts as, or the app's own backend. */
export interface Actor {
  appId: AppId;
  userId: string;
  externalId: string;
  /**
   * From the token: an app admin moderates every channel of its app (permissions.ts).
   * `server`: the tenant's backend (X-API-Key + X-API-Secret), with the app's whole scope.
   */
  appRole: AppRole | 'server';
}

/**
 * The id a server actor carries where a user id goes (`removedBy`, `deletedBy`): the nil UUID,
 * which no user has. A server actor never writes it into a row that references users.
 */
export const SERVER_ACTOR_ID = '00000000-0000-0000-0000-000000000000';

/** The tenant's backend acting on its app, authenticated by its API credentials. */
export function serverActor(appId: AppId): Actor {
  return { appId, userId: SERVER_ACTOR_ID, externalId: 'server', appRole: 'server' };
}

export const isServerActor = (actor: Actor): boolean => actor.appRole === 'server';
