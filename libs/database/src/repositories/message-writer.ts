import type { MessageRecord } from '../records.ts';
import { batchRows, type PendingInsert } from './message-batch.ts';
import { createCoalescer, type CoalescerOptions, type Pending } from './coalescer.ts';

/** undefined: the channel is deleted or not in the send's app. */
export type InsertResult = { message: MessageRecord; created: boolean } | undefined;

type Waiting = Pending<PendingInsert, InsertResult>;

/**
 * Coalesces concurrent sends into multi-row statements (see createCoalescer). Anything the
 * batch statement leaves out or fails on is written alone by `insertOne`, whose answer
 * (stored, replayed or an error) is then exactly what an unbatched send would get.
 */
export function createMessageWriter(
  insertOne: (send: PendingInsert) => Promise<InsertResult>,
  insertBatch: (rows: ReturnType<typeof batchRows>) => Promise<MessageRecord[]>,
  options: CoalescerOptions,
) {
  const alone = (send: Waiting) => insertOne(send.input).then(send.resolve, send.reject);

  async function writeTogether(sends: Waiting[]): Promise<void> {
    // A clientId repeated within the batch: its later sends run alone, after the first is stored.
    const seen = new Set<string>();
    const first: Waiting[] = [];
    const repeats: Waiting[] = [];
    for (const send of sends) {
      const { channelId, userId, message } = send.input;
      const key = message.clientId && `${channelId}:${userId}:${message.clientId}`;
      if (key && seen.has(key)) repeats.push(send);
      else (key && seen.add(key), first.push(send));
    }
    const rows = batchRows(first.map((send) => send.input));
    let stored: Map<string, MessageRecord>;
    try {
      stored = new Map((await insertBatch(rows)).map((record) => [record.id, record]));
    } catch {
      // A clientId stored meanwhile, or one send's bad data: nobody's fate depends on another's.
      await Promise.all(first.map(alone));
      await Promise.all(repeats.map(alone));
      return;
    }
    const leftOut: Waiting[] = [];
    first.forEach((send, index) => {
      const record = stored.get(rows[index]!.id);
      if (record) send.resolve({ message: record, created: true });
      else leftOut.push(send);
    });
    await Promise.all([...leftOut, ...repeats].map(alone));
  }

  const coalescer = createCoalescer<PendingInsert, InsertResult>(
    (sends) => (sends.length === 1 ? alone(sends[0]!) : writeTogether(sends)),
    options,
  );
  return { insert: coalescer.submit };
}
