import type { AppId } from '@heyyo/database';

/** The authenticated user a request or socket acts as. */
export interface Actor {
  appId: AppId;
  userId: string;
  externalId: string;
}
