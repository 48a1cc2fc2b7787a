import { once } from 'node:events';
import type { Sql } from 'postgres';
import { FORMAT_NAME, FORMAT_VERSION } from './format.ts';

/*
 * An app's export: every kind streamed through a cursor in one read-only REPEATABLE READ
 * transaction (one consistent snapshot, memory bounded by a cursor page), each line rendered by
 * Postgres itself (row_to_json: fields in the format's order, timestamps keep their microseconds). Only columns the format
 * names are read: no api key, no secret hash, nothing derived (counters are recomputed on import).
 */

/** Rows per cursor page. */
const PAGE = 2000;

/** A kind's lines: the columns of `select` (in the format's field order) as one compact JSON object per row. */
const lines = (kind: string, select: string, orderBy: string) =>
  `select row_to_json(t)::text as line from (select '${kind}' as kind, ${select}) t order by ${orderBy}`;

/** The statements per kind, in the format's order. `$1` is the app id. */
const STATEMENTS = {
  user: lines('user', `id, external_id, display_name, avatar_url, metadata, deactivated_at, erased_at, created_at, updated_at
           from users where app_id = $1`, 't.created_at, t.id'),
  app_ban: lines('app_ban', `user_id, reason, created_at, expires_at from user_bans where app_id = $1`, 't.user_id'),
  channel: lines('channel', `id, type, name, description, metadata, created_by, slow_mode_seconds, deleted_at, created_at, updated_at
           from channels where app_id = $1`, 't.created_at, t.id'),
  member: lines('member', `channel_id, user_id, role, joined_at from channel_members where app_id = $1`, 't.channel_id, t.user_id'),
  restriction: lines('restriction', `channel_id, user_id, kind as type, reason, created_by, created_at, expires_at
           from channel_restrictions where app_id = $1`, 't.channel_id, t.user_id, t.type'),
  message: lines('message', `id, channel_id, user_id, seq, text, attachments, metadata, parent_id, client_id, created_at, updated_at,
           deleted_at, edited_at, pinned_at, pinned_by from messages where app_id = $1`, 't.channel_id, t.seq'),
  reaction: lines('reaction', `message_id, user_id, type, created_at, version, removed_at from reactions where app_id = $1`,
           't.message_id, t.user_id, t.type'),
  read_state: lines('read_state', `channel_id, user_id, last_read_seq from channel_members where app_id = $1`, 't.channel_id, t.user_id'),
} as const;

export interface ExportOptions {
  sql: Sql;
  appId: string;
  output: NodeJS.WritableStream;
  /** Called after each page of messages with the messages written and the app's total. */
  onProgress?: (messages: number, totalMessages: number) => void;
}

export interface ExportReport {
  lines: number;
  messages: number;
}

/** Export refused before a line was written (no such app). */
export class ExportRefused extends Error {}

async function writeText(output: NodeJS.WritableStream, text: string): Promise<void> {
  if (!output.write(text)) await once(output, 'drain');
}

export async function exportApp(options: ExportOptions): Promise<ExportReport> {
  const { sql, appId, output } = options;
  const report: ExportReport = { lines: 0, messages: 0 };
  await sql.begin('isolation level repeatable read read only', async (tx) => {
    // Timestamps as UTC in the lines, whatever the server's zone.
    await tx`set local time zone 'UTC'`;
    const [app] = await tx`
      select row_to_json(t)::text as line, (select count(*) from messages where app_id = ${appId})::bigint as messages
        from (select 'app' as kind, id, name, created_at from apps where id = ${appId}) t`;
    if (!app) throw new ExportRefused(`app ${appId} does not exist`);
    const totalMessages = Number(app.messages);
    const header = { kind: 'header', format: FORMAT_NAME, version: FORMAT_VERSION, app_id: appId, exported_at: new Date().toISOString() };
    await writeText(output, `${JSON.stringify(header)}\n${app.line as string}\n`);
    report.lines += 2;
    for (const [kind, statement] of Object.entries(STATEMENTS)) {
      for await (const rows of tx.unsafe(statement, [appId]).cursor(PAGE)) {
        let text = '';
        for (const row of rows) text += `${row.line as string}\n`;
        await writeText(output, text);
        report.lines += rows.length;
        if (kind === 'message') {
          report.messages += rows.length;
          options.onProgress?.(report.messages, totalMessages);
        }
      }
    }
  });
  return report;
}
