import type { MessageRecord } from '../records.ts';
import { batchRows, type PendingInsert } from './message-batch.ts';

export type InsertResult = { message: MessageRecord; created: boolean };

export interface MessageWriterOptions {
  /** Sends per statement at most. */
  maxBatch: number;
  /** Statements in flight at once; sends arriving meanwhile wait and go together in the next. */
  maxInFlight: number;
}

interface Waiting extends PendingInsert {
  resolve(result: InsertResult): void;
  reject(error: unknown): void;
}

/**
 * Coalesces concurrent sends into multi-row statements (group commit): a send goes out at
 * once while fewer than `maxInFlight` statements are running, so an idle server adds no
 * wait; under load, the sends that arrive while statements run share the next one, and
 * one round trip and one commit serve many. Anything the batch statement leaves out or
 * fails on is written alone by `insertOne`, whose answer (stored, replayed or an error)
 * is then exactly what an unbatched send would get.
 */
export function createMessageWriter(
  insertOne: (send: PendingInsert) => Promise<InsertResult>,
  insertBatch: (rows: ReturnType<typeof batchRows>) => Promise<MessageRecord[]>,
  options: MessageWriterOptions,
) {
  const waiting: Waiting[] = [];
  let inFlight = 0;

  const alone = (send: Waiting) => insertOne(send).then(send.resolve, send.reject);

  async function writeTogether(sends: Waiting[]): Promise<void> {
    // A clientId repeated within the batch: its later sends run alone, after the first is stored.
    const seen = new Set<string>();
    const first: Waiting[] = [];
    const repeats: Waiting[] = [];
    for (const send of sends) {
      const key = send.message.clientId && `${send.channelId}:${send.userId}:${send.message.clientId}`;
      if (key && seen.has(key)) repeats.push(send);
      else (key && seen.add(key), first.push(send));
    }
    const rows = batchRows(first);
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

  function pump(): void {
    while (inFlight < options.maxInFlight && waiting.length > 0) {
      const sends = waiting.splice(0, options.maxBatch);
      inFlight++;
      const written = sends.length === 1 ? alone(sends[0]!) : writeTogether(sends);
      void written
        .catch((error: unknown) => sends.forEach((send) => send.reject(error)))
        .finally(() => {
          inFlight--;
          pump();
        });
    }
  }

  return {
    insert(send: PendingInsert): Promise<InsertResult> {
      return new Promise<InsertResult>((resolve, reject) => {
        waiting.push({ ...send, resolve, reject });
        pump();
      });
    },
  };
}
