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
 * change is delivered unless a catch-up delivered it or it came before; a caught-up change unless
 * it came live. Channels are tracked from their first catch-up, which may name no version: it only
 * learns the channel's version (`learned`) and delivers nothing, so a live change at or below that
 * version still comes (the socket was in the channel's room when it was made).
 */
export class ChangeTracker {
  /** The version each channel was last caught up to or learned: the next catch-up's afterVersion. */
  private readonly synced = new Map<string, number>();
  /** Every change at or below it was delivered, live or by a catch-up, per channel. */
  private readonly delivered = new Map<string, number>();
  /** Versions delivered live above `delivered`, per channel. */
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
    if (version <= (this.delivered.get(channelId) ?? 0)) return;
    const seen = this.seen.get(channelId) ?? new Set<number>();
    this.seen.set(channelId, seen);
    if (seen.has(version)) return;
    seen.add(version);
    this.deliver(change);
    if (seen.size === MAX_UNCONFIRMED) this.onBacklog(channelId);
  }

  /**
   * A first catch-up, which named no version: the channel's version, to catch up from later. It
   * delivered nothing, so live changes at or below it are still delivered when they come.
   */
  learned(channelId: string, version: number): void {
    this.synced.set(channelId, Math.max(this.synced.get(channelId) ?? 0, version));
  }

  /** A catch-up page after `version(channelId)`: its changes (in version order), and the version it brings the channel up to. */
  caughtUp(channelId: string, changes: ChannelChange[], version: number): void {
    const seen = this.seen.get(channelId);
    const after = this.synced.get(channelId) ?? 0;
    for (const change of changes) {
      if (change.payload.version > after && !seen?.has(change.payload.version)) this.deliver(change);
    }
    const upTo = Math.max(after, version);
    this.synced.set(channelId, upTo);
    this.delivered.set(channelId, Math.max(this.delivered.get(channelId) ?? 0, upTo));
    if (seen) for (const delivered of seen) if (delivered <= upTo) seen.delete(delivered);
  }

  /** Stops tracking the channel (the user left it, or it was deleted). */
  forget(channelId: string): void {
    this.synced.delete(channelId);
    this.delivered.delete(channelId);
    this.seen.delete(channelId);
  }
}
