import { once } from 'node:events';
import type { Sql } from 'postgres';
import { FORMAT_NAME, FORMAT_VERSION } from './format.ts';

/*
 * An app's export: every kind streamed through a cursor in one read-only REPEATABLE READ
 * transaction (one consistent snapshot, memory bounded by a cursor page), each line rendered by
 * Postgres itself (json_build_object: timestamps keep their microseconds). Only columns the format
 * names are read: no api key, no secret hash, nothing derived (counters are recomputed on import).
 */

/** Rows per cursor page. */
const PAGE = 2000;

/** The statements per kind, in the format's order. `$1` is the app id. */
const STATEMENTS = {
  user: `select json_build_object('kind', 'user', 'id', id, 'external_id', external_id, 'display_name', display_name,
           'avatar_url', avatar_url, 'metadata', metadata, 'deactivated_at', deactivated_at, 'erased_at', erased_at,
           'created_at', created_at, 'updated_at', updated_at)::text as line
           from users where app_id = $1 order by created_at, id`,
  channel: `select json_build_object('kind', 'channel', 'id', id, 'type', type, 'name', name, 'description', description,
           'metadata', metadata, 'created_by', created_by, 'slow_mode_seconds', slow_mode_seconds, 'deleted_at', deleted_at,
           'created_at', created_at, 'updated_at', updated_at)::text as line
           from channels where app_id = $1 order by created_at, id`,
  member: `select json_build_object('kind', 'member', 'channel_id', channel_id, 'user_id', user_id, 'role', role,
           'joined_at', joined_at)::text as line
           from channel_members where app_id = $1 order by channel_id, user_id`,
  message: `select json_build_object('kind', 'message', 'id', id, 'channel_id', channel_id, 'user_id', user_id, 'seq', seq,
           'text', text, 'attachments', attachments, 'metadata', metadata, 'parent_id', parent_id, 'client_id', client_id,
           'created_at', created_at, 'updated_at', updated_at, 'deleted_at', deleted_at, 'edited_at', edited_at,
           'pinned_at', pinned_at, 'pinned_by', pinned_by)::text as line
           from messages where app_id = $1 order by channel_id, seq`,
  reaction: `select json_build_object('kind', 'reaction', 'message_id', message_id, 'user_id', user_id, 'type', type,
           'created_at', created_at, 'version', version, 'removed_at', removed_at)::text as line
           from reactions where app_id = $1 order by message_id, user_id, type`,
  read_state: `select json_build_object('kind', 'read_state', 'channel_id', channel_id, 'user_id', user_id,
           'last_read_seq', last_read_seq)::text as line
           from channel_members where app_id = $1 order by channel_id, user_id`,
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
      select json_build_object('kind', 'app', 'id', id, 'name', name, 'created_at', created_at)::text as line,
             (select count(*) from messages where app_id = ${appId})::bigint as messages
        from apps where id = ${appId}`;
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
