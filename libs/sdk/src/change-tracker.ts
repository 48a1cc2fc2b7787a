import type { ChannelChange, ServerEventPayload } from '@heyyo/contracts';

/** Server events that carry the channel `version` of their change. */
export const VERSIONED_EVENTS = [
  'message.updated',
  'message.deleted',
  'message.pinned',
  'message.unpinned',
  'reaction.new',
  'reaction.deleted',
  'member.joined',
  'member.left',
  'member.removed',
  'member.updated',
  'member.banned',
  'member.unbanned',
  'member.muted',
  'member.unmuted',
  'channel.updated',
] as const;

export type VersionedEvent = (typeof VERSIONED_EVENTS)[number];

/** A change as delivered: live (any versioned event) or caught up (ChannelChange). */
export type VersionedChange = { [E in VersionedEvent]: { event: E; payload: ServerEventPayload<E> } }[VersionedEvent];

/** The channel a versioned event is about (messages name it `channel_id`, a channel is its `id`). */
export function channelOf(change: VersionedChange): string {
  const payload = change.payload as { channelId?: string; channel_id?: string; id: string };
  if (change.event === 'channel.updated') return payload.id;
  return payload.channelId ?? payload.channel_id!;
}

/** Live changes a channel may hold unconfirmed before a catch-up confirms them (and frees their memory). */
const MAX_UNCONFIRMED = 256;

/**
 * Delivers each channel's changes exactly once and, for a catch-up, in version order: a live
 * change is delivered unless the channel was caught up past it or it came before; a caught-up
 * change unless it came live. Channels are tracked from their first catch-up, which may name no
 * version (it only learns the channel's version).
 */
export class ChangeTracker {
  /** The version each channel was last caught up to. */
  private readonly synced = new Map<string, number>();
  /** Versions delivered live above `synced`, per channel. */
  private readonly seen = new Map<string, Set<number>>();

  constructor(
    private readonly deliver: (change: VersionedChange) => void,
    /** A channel holds MAX_UNCONFIRMED live changes: catch it up. */
    private readonly onBacklog: (channelId: string) => void,
  ) {}

  /** The version the channel was last caught up to; undefined before its first catch-up. */
  version(channelId: string): number | undefined {
    return this.synced.get(channelId);
  }

  live(change: VersionedChange): void {
    const channelId = channelOf(change);
    const { version } = change.payload;
    if (version <= (this.synced.get(channelId) ?? 0)) return;
    const seen = this.seen.get(channelId) ?? new Set<number>();
    this.seen.set(channelId, seen);
    if (seen.has(version)) return;
    seen.add(version);
    this.deliver(change);
    if (seen.size === MAX_UNCONFIRMED) this.onBacklog(channelId);
  }

  /** A catch-up page: its changes (in version order), and the version it brings the channel up to. */
  caughtUp(channelId: string, changes: ChannelChange[], version: number): void {
    const seen = this.seen.get(channelId);
    const after = this.synced.get(channelId) ?? 0;
    for (const change of changes) {
      if (change.payload.version > after && !seen?.has(change.payload.version)) this.deliver(change);
    }
    this.synced.set(channelId, Math.max(after, version));
    if (seen) for (const delivered of seen) if (delivered <= version) seen.delete(delivered);
  }

  /** Stops tracking the channel (the user left it, or it was deleted). */
  forget(channelId: string): void {
    this.synced.delete(channelId);
    this.seen.delete(channelId);
  }
}
