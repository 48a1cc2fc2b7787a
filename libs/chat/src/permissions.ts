import type { MemberRole } from '@heyyo/database';
import type { Actor } from './actor.ts';
import { Errors } from './errors.ts';

/** What someone may try to do in a channel. Every service asks `requirePermission`; no route checks roles. */
export type ChannelAction =
  /** Read history and details, send, react, type, mark read, add a member. */
  | 'participate'
  /** Remove, ban or mute another member; delete anyone's message. */
  | 'moderate'
  /** Send without waiting for slow mode's interval. */
  | 'skip-slow-mode'
  /** Change a member's role. */
  | 'assign-roles'
  /** Rename the channel, change its description, metadata or slow mode. */
  | 'manage-channel'
  /** Delete the channel. */
  | 'delete-channel'
  /** Pin or unpin a message. */
  | 'pin';

/** Who is on the list for an action: a channel role, or the app's admins (any channel of their app). */
type Grantee = MemberRole | 'app-admin';

/**
 * The permission table (docs/api.md shows it). An app admin is a user whose token the tenant's
 * backend minted with `role: "admin"`: it moderates every channel of its app, member or not.
 */
export const PERMISSIONS: Readonly<Record<ChannelAction, readonly Grantee[]>> = {
  participate: ['owner', 'moderator', 'member'],
  moderate: ['owner', 'moderator', 'app-admin'],
  'skip-slow-mode': ['owner', 'moderator', 'app-admin'],
  'assign-roles': ['owner', 'app-admin'],
  'manage-channel': ['owner', 'app-admin'],
  'delete-channel': ['owner', 'app-admin'],
  pin: ['owner', 'moderator', 'app-admin'],
};

/**
 * Whether an actor with `role` in the channel (null: not a member) may do `action`. The app's
 * backend (a server actor) may do everything in its app.
 */
export function may(actor: Actor, role: MemberRole | null, action: ChannelAction): boolean {
  if (actor.appRole === 'server') return true;
  const grantees = PERMISSIONS[action];
  return (role !== null && grantees.includes(role)) || (actor.appRole === 'admin' && grantees.includes('app-admin'));
}

/**
 * @throws 403 `Not a member of this channel` for a non-member who may not act anyway, 403
 * `HEYYO_ERR_FORBIDDEN` for a member whose role does not allow it.
 */
export function requirePermission(actor: Actor, role: MemberRole | null, action: ChannelAction): void {
  if (may(actor, role, action)) return;
  throw role === null ? Errors.notMember() : Errors.forbidden(action);
}
