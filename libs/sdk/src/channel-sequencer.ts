import type { Message } from '@heyyo/contracts';

/**
 * Delivers each channel's messages exactly once and in seq order, whatever order
 * they arrive in (live events from several nodes, catch-up pages, retries).
 */
export class ChannelSequencer {
  private readonly positions = new Map<string, number>();
  private readonly pending = new Map<string, Map<number, Message>>();

  constructor(
    private readonly deliver: (message: Message) => void,
    /** Called when a channel has a hole before a buffered message: fetch what is missing. */
    private readonly onGap: (channelId: string, afterSeq: number) => void,
  ) {}

  /** The highest seq delivered (or known read) per channel. */
  position(channelId: string): number | undefined {
    return this.positions.get(channelId);
  }

  channels(): string[] {
    return [...this.positions.keys()];
  }

  /** Starts tracking a channel at `seq` if it is not tracked yet (history the app already holds). */
  observe(channelId: string, seq: number): void {
    if (!this.positions.has(channelId)) this.positions.set(channelId, seq);
  }

  /** Forgets a channel's position (after a reset: the app reloads its history). */
  forget(channelId: string): void {
    this.positions.delete(channelId);
    this.pending.delete(channelId);
  }

  receive(message: Message): void {
    const channelId = message.channel_id;
    const position = this.positions.get(channelId);
    if (position === undefined) {
      // First message seen in this channel: start here.
      this.positions.set(channelId, message.seq);
      this.emit(message);
      this.drain(channelId);
      return;
    }
    if (message.seq <= position) return;
    const buffered = this.pending.get(channelId) ?? new Map<number, Message>();
    this.pending.set(channelId, buffered);
    buffered.set(message.seq, message);
    this.drain(channelId);
    if (buffered.size > 0) this.onGap(channelId, this.positions.get(channelId)!);
  }

  private drain(channelId: string): void {
    const buffered = this.pending.get(channelId);
    if (!buffered) return;
    for (let next = buffered.get(this.positions.get(channelId)! + 1); next; next = buffered.get(next.seq + 1)) {
      buffered.delete(next.seq);
      this.positions.set(channelId, next.seq);
      this.emit(next);
    }
    // Anything at or below the position is a duplicate now.
    const position = this.positions.get(channelId)!;
    for (const seq of buffered.keys()) if (seq <= position) buffered.delete(seq);
  }

  /** Tombstones (deleted while the client was away) advance the position silently. */
  private emit(message: Message): void {
    if (message.deleted_at === null) this.deliver(message);
  }
}
