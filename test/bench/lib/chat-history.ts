/**
 * A channel's history as people write it, for the browser row: runs of messages by the same author,
 * texts from a few words to a long paragraph, and quiet hours and nights between bursts, so the
 * kit groups messages by author and puts day separators between them.
 */
import postgres from 'postgres';
import { mapLimit } from './processes.ts';
import { randomInt, seededRandom } from './random.ts';
import { call, type BenchUser } from './rest.ts';

const WORDS = (
  'the a to and of it is in that we for on this you with can be deploy review merge branch test ' +
  'release build fix bug ticket meeting lunch today tomorrow later ok sure thanks great idea maybe ' +
  'check link docs api server client database cache queue latency customer design sprint standup ' +
  'screenshot slack coffee weekend question answer problem works again broken green red looks good'
).split(' ');

export interface PlannedMessage {
  /** Index into the channel's authors. */
  author: number;
  text: string;
}

/** How long a message is, in characters: mostly short, some a few lines, a few a long paragraph. */
function textLength(random: () => number): number {
  const roll = random();
  if (roll < 0.6) return randomInt(random, 4, 60);
  if (roll < 0.9) return randomInt(random, 60, 220);
  return randomInt(random, 220, 900);
}

function sentence(random: () => number, length: number): string {
  const words: string[] = [];
  let size = 0;
  while (size < length) {
    const word = WORDS[Math.floor(random() * WORDS.length)]!;
    words.push(word);
    size += word.length + 1;
  }
  const text = words.join(' ');
  return `${text[0]!.toUpperCase()}${text.slice(1)}${random() < 0.2 ? '?' : '.'}`;
}

/** `count` messages by `authors` authors: each author writes a run of 1–6 before someone else does. */
export function planHistory(count: number, authors: number, seed: number): PlannedMessage[] {
  const random = seededRandom(seed);
  const planned: PlannedMessage[] = [];
  let author = 0;
  while (planned.length < count) {
    const run = Math.min(count - planned.length, 1 + (Math.floor(-Math.log(1 - random()) * 1.6) % 6));
    for (let index = 0; index < run; index++) planned.push({ author, text: sentence(random, textLength(random)) });
    author = (author + randomInt(random, 1, authors - 1)) % authors;
  }
  return planned;
}

/**
 * `created_at` for seqs 1…count, oldest first, ending a minute ago: most gaps are under two minutes
 * (a conversation), some up to an hour, a few up to 14 hours (nights). Whole seconds, strictly
 * increasing, so paging back by `before` = the oldest `created_at` neither skips nor repeats.
 */
export function planTimestamps(count: number, seed: number): Date[] {
  const random = seededRandom(seed);
  const gaps = Array.from({ length: count }, () => {
    const roll = random();
    if (roll < 0.85) return randomInt(random, 5, 120);
    if (roll < 0.97) return randomInt(random, 300, 3600);
    return randomInt(random, 3 * 3600, 14 * 3600);
  });
  let at = Math.floor(Date.now() / 1000) - 60;
  const stamps: Date[] = new Array(count);
  for (let index = count - 1; index >= 0; index--) {
    stamps[index] = new Date(at * 1000);
    at -= gaps[index]!;
  }
  return stamps;
}

/**
 * Writes `planned` into `channelId` through REST (`POST …/messages`), one after the other so that
 * seq order is the planned order (and the author runs stay runs).
 */
export async function writeHistory(apiUrl: string, channelId: string, authors: readonly BenchUser[], planned: readonly PlannedMessage[]): Promise<void> {
  for (const message of planned) {
    await call(apiUrl, 'POST', `/api/channels/${channelId}/messages`, { text: message.text }, authors[message.author]!.token);
  }
}

/**
 * REST stamps every message with the time it was sent, so a history written in seconds would be
 * one day with one group per author run. One statement moves the channel's messages to
 * `stamps` (by seq), before anything has read the channel: no history page is cached yet.
 */
export async function spreadOverTime(databaseUrl: string, channelId: string, stamps: readonly Date[]): Promise<number> {
  const sql = postgres(databaseUrl, { max: 1, onnotice: () => {}, connection: { statement_timeout: 60_000 } });
  try {
    const seqs = stamps.map((_, index) => index + 1);
    const result = await sql`
      update messages m set created_at = v.at
      from unnest(${seqs}::bigint[], ${stamps.map((stamp) => stamp.toISOString())}::timestamptz[]) as v(seq, at)
      where m.channel_id = ${channelId} and m.seq = v.seq`;
    return result.count;
  } finally {
    await sql.end({ timeout: 5 });
  }
}

/** Writes every channel's history at once (each channel in order), then spreads each over time. */
export async function seedChannels(
  apiUrl: string,
  databaseUrl: string,
  channels: readonly { id: string; authors: readonly BenchUser[]; planned: readonly PlannedMessage[]; stamps: readonly Date[] }[],
): Promise<void> {
  await mapLimit(channels, channels.length, async (channel) => {
    await writeHistory(apiUrl, channel.id, channel.authors, channel.planned);
    const moved = await spreadOverTime(databaseUrl, channel.id, channel.stamps);
    if (moved !== channel.planned.length) throw new Error(`channel ${channel.id}: moved ${moved} of ${channel.planned.length} messages in time`);
  });
}
