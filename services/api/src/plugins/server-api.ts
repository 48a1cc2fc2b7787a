import { Errors, isServerActor, type Actor } from '@heyyo/chat';

/**
 * Route config of the routes the app's backend may also call with its API credentials
 * (X-API-Key + X-API-Secret), acting with the app's whole scope (plugins/auth.ts, docs/server-api.md).
 */
export const serverApi = { serverApi: true };

/** Fields only the server API takes, given with a user token: refused rather than ignored. */
export function refuseServerOnly(actor: Actor, fields: Record<string, unknown>): void {
  if (isServerActor(actor)) return;
  const given = Object.keys(fields).filter((name) => fields[name] !== undefined);
  if (given.length > 0) throw Errors.validation(`${given.join(', ')}: only with API credentials (X-API-Key + X-API-Secret)`);
}

/**
 * Whom a request acts as where the server API names a user (`created_by`, `user_id`): that
 * user for API credentials (required there), the caller for a user token.
 */
export async function actingUser(
  caller: Actor,
  field: string,
  named: string | undefined,
  actAs: (appId: Actor['appId'], userId: string) => Promise<Actor>,
): Promise<Actor> {
  refuseServerOnly(caller, { [field]: named });
  if (!isServerActor(caller)) return caller;
  if (named === undefined) throw Errors.validation(`${field} is required with API credentials`);
  return actAs(caller.appId, named);
}
