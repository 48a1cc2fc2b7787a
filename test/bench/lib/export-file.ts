/** A synthetic export (libs/transfer format.ts) of a given size, written line by line to a file. */
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { finished } from 'node:stream/promises';
import { uuidV5 } from '@heyyo/transfer';

export interface SyntheticExport {
  users: number;
  channels: number;
  /** Spread evenly over the channels. */
  messages: number;
  /** Every this many messages one reaction (0: none). */
  reactionEvery?: number;
}

/** Writes the export of app `appId` to `path`: users, channels (every user a member of 1 in 10), messages a second apart. */
export async function writeSyntheticExport(path: string, appId: string, size: SyntheticExport): Promise<void> {
  const out = createWriteStream(path);
  const id = (kind: string, n: number) => uuidV5(`bench:${kind}:${n}`, appId);
  const write = async (text: string) => {
    if (!out.write(text)) await once(out, 'drain');
  };
  const start = Date.parse('2026-01-01T00:00:00Z');
  const at = (ms: number) => new Date(start + ms).toISOString();
  await write(`${JSON.stringify({ kind: 'header', format: 'heyyo-ndjson', version: 1, app_id: appId, exported_at: at(0) })}\n`);
  let text = '';
  for (let u = 0; u < size.users; u++) {
    text += `${JSON.stringify({ kind: 'user', id: id('user', u), external_id: `user-${u}`, display_name: `User ${u}`, avatar_url: null, metadata: {}, deactivated_at: null, erased_at: null, created_at: at(u), updated_at: at(u) })}\n`;
  }
  for (let c = 0; c < size.channels; c++) {
    text += `${JSON.stringify({ kind: 'channel', id: id('channel', c), type: 'messaging', name: `channel ${c}`, description: null, metadata: {}, created_by: id('user', c % size.users), slow_mode_seconds: 0, deleted_at: null, created_at: at(c), updated_at: at(c) })}\n`;
  }
  for (let c = 0; c < size.channels; c++) {
    for (let u = c % 10; u < size.users; u += 10) {
      text += `${JSON.stringify({ kind: 'member', channel_id: id('channel', c), user_id: id('user', u), role: u === c % size.users ? 'owner' : 'member', joined_at: at(c) })}\n`;
    }
  }
  await write(text);
  const perChannel = Math.ceil(size.messages / size.channels);
  let written = 0;
  for (let c = 0; c < size.channels && written < size.messages; c++) {
    text = '';
    const channel = id('channel', c);
    for (let seq = 1; seq <= perChannel && written < size.messages; seq++, written++) {
      const author = id('user', (c % 10) + 10 * (seq % Math.max(1, Math.floor(size.users / 10))));
      text += `${JSON.stringify({ kind: 'message', id: id('message', written), channel_id: channel, user_id: author, seq, text: `message ${written} in channel ${c}: some words of text here`, attachments: [], metadata: {}, parent_id: null, client_id: null, created_at: at(1000 * seq), updated_at: at(1000 * seq), deleted_at: null, edited_at: null, pinned_at: null, pinned_by: null })}\n`;
    }
    await write(text);
  }
  text = '';
  if (size.reactionEvery) {
    for (let m = 0; m < written; m += size.reactionEvery) {
      const c = Math.floor(m / perChannel);
      text += `${JSON.stringify({ kind: 'reaction', message_id: id('message', m), user_id: id('user', c % 10), type: ':heart:', created_at: at(m), version: 0, removed_at: null })}\n`;
      if (text.length > 1 << 20) (await write(text), (text = ''));
    }
  }
  await write(text);
  out.end();
  await finished(out);
}
