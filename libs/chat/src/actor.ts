import type { AppRole } from '@heyyo/auth';
import type { AppId } from '@heyyo/database';

/** The authenticated user a request or socket acts as. */
export interface Actor {
  appId: AppId;
  userId: string;
  externalId: string;
  /** From the token: an app admin moderates every channel of its app (permissions.ts). */
  appRole: AppRole;
}
