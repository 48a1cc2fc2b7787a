/**
 * One `message.send` over a socket, as a client does it: acknowledged or not within a timeout,
 * and — when a retry policy is given — a refusal (the node is at its bound, or a dependency is
 * down) retried with backoff and the same clientId, like the SDK, so a retry never stores twice.
 */
import type { Socket } from 'socket.io-client';
import { nowMs } from './stats.ts';

/** Ack codes a client retries: nothing was changed, try again shortly. */
export const RETRYABLE_CODES = new Set(['HEYYO_ERR_OVERLOADED', 'HEYYO_ERR_UNAVAILABLE']);

export interface RetryPolicy {
  /** Tries in all, the first included. */
  tries: number;
  /** Wait before retry k (1, 2, …): baseDelayMs × 2^(k−1), jittered ×0.5–1.5. */
  baseDelayMs: number;
}

export type SendOutcome = 'pending' | 'acked' | 'timeout' | 'refused' | 'error';

/** One message the load generator sent: its tries, its ack and who received it. */
export interface SentMessage {
  n: number;
  channel: string;
  /** The first try (nowMs). */
  firstAt: number;
  /** The latest try: the accepted one once acked. */
  attemptAt: number;
  tries: number;
  /** Tries refused with a retryable code. */
  refused: number;
  /** acked; timeout: no ack in time; refused: every try refused; error: any other error ack. */
  outcome: SendOutcome;
  ackedAt?: number;
  error?: string;
  /** Client indexes it was delivered to. */
  receivers: Set<number>;
}

export interface SendOptions {
  ackTimeoutMs: number;
  retry?: RetryPolicy;
}

const backoffMs = (policy: RetryPolicy, retry: number) => policy.baseDelayMs * 2 ** (retry - 1) * (0.5 + Math.random());

/** Sends `payload` and settles `message` (its outcome and times) when the last try is answered. */
export function sendMessage(socket: Socket, message: SentMessage, payload: Record<string, unknown>, options: SendOptions, onSettled: () => void): void {
  const attempt = () => {
    message.tries++;
    message.attemptAt = nowMs();
    socket.timeout(options.ackTimeoutMs).emit('message.send', payload, (error: Error | null, ack?: { error?: string; code?: string }) => {
      if (error || !ack) return settle('timeout', error?.message ?? 'no ack');
      if (!ack.error) {
        message.ackedAt = nowMs();
        return settle('acked');
      }
      if (!RETRYABLE_CODES.has(ack.code ?? '')) return settle('error', `${ack.code}: ${ack.error}`);
      message.refused++;
      if (!options.retry || message.tries >= options.retry.tries) return settle('refused', `${ack.code}: ${ack.error}`);
      setTimeout(attempt, backoffMs(options.retry, message.tries));
    });
  };
  const settle = (outcome: SendOutcome, error?: string) => {
    message.outcome = outcome;
    if (error) message.error = error;
    onSettled();
  };
  attempt();
}
