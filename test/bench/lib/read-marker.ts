/**
 * Receivers marking channels read as messages arrive, as an open chat does: `channel.read` with
 * the arrived message's seq, for messages from someone else, at most once per second per
 * (client, channel) — a mark due sooner waits out the second and then covers the newest seq.
 */
import type { ClientPool, LoadClient } from './load.ts';
import { nowMs, summarize, type Summary } from './stats.ts';

export interface ReadMarkStats {
  marks: number;
  errors: number;
  firstError?: string;
  ack: Summary;
}

interface ChannelMark {
  lastAt: number;
  /** The newest seq waiting for the next allowed mark. */
  waitingSeq?: number;
  timer?: NodeJS.Timeout;
}

export function markReadOnArrival(pool: ClientPool, userIdOf: (clientIndex: number) => string, minIntervalMs = 1000) {
  let acks: number[] = [];
  let marks = 0;
  let errors = 0;
  let firstError: string | undefined;
  let stopped = false;
  const timers = new Set<NodeJS.Timeout>();

  const mark = (client: LoadClient, channelId: string, seq: number) => {
    marks++;
    const sentAt = nowMs();
    client.socket.timeout(10_000).emit('channel.read', { channelId, seq }, (error: Error | null, ack?: { error?: string; code?: string }) => {
      if (error || !ack || ack.error) {
        errors++;
        firstError ??= error?.message ?? `${ack?.code}: ${ack?.error}`;
        return;
      }
      acks.push(nowMs() - sentAt);
    });
  };

  for (const client of pool.clients) {
    const ownId = userIdOf(client.index);
    const channels = new Map<string, ChannelMark>();
    client.socket.on('message.new', (message: { channel_id?: string; user_id?: string; seq?: number }) => {
      if (stopped || !message.channel_id || typeof message.seq !== 'number' || message.user_id === ownId) return;
      const channelId = message.channel_id;
      const state = channels.get(channelId) ?? { lastAt: -Infinity };
      channels.set(channelId, state);
      const wait = state.lastAt + minIntervalMs - nowMs();
      if (wait <= 0) {
        state.lastAt = nowMs();
        mark(client, channelId, message.seq);
        return;
      }
      state.waitingSeq = Math.max(state.waitingSeq ?? 0, message.seq);
      if (state.timer) return;
      state.timer = setTimeout(() => {
        timers.delete(state.timer!);
        state.timer = undefined;
        if (stopped || state.waitingSeq === undefined) return;
        state.lastAt = nowMs();
        mark(client, channelId, state.waitingSeq);
        state.waitingSeq = undefined;
      }, wait);
      timers.add(state.timer);
    });
  }

  return {
    /** Starts counting afresh (after a warm-up). */
    reset() {
      acks = [];
      marks = 0;
      errors = 0;
      firstError = undefined;
    },
    stats(): ReadMarkStats {
      return { marks, errors, ...(firstError ? { firstError } : {}), ack: summarize(acks) };
    },
    stop() {
      stopped = true;
      timers.forEach((timer) => clearTimeout(timer));
    },
  };
}
