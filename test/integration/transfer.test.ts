/**
 * Export and import (libs/transfer) on a real database, then the real API on what was imported:
 * a round trip equals the original, a re-run changes nothing, a broken line names itself and its
 * batch stays out, a @tegrabox/chat-sdk dump maps its fields, and an imported channel goes on
 * (history, next seq, unread counts, counters without drift).
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import {
  createIdMapping,
  exportApp,
  importLines,
  mapLine,
  maySkipReferenceTriggers,
  MEMBER_REFERENCES_CHECKED,
  MESSAGE_REFERENCES_CHECKED,
  parseTegraboxDump,
  REACTION_REFERENCES_CHECKED,
  readLines,
  tegraboxToLines,
  validateLine,
  type DataLine,
  type ImportOptions,
} from '@heyyo/transfer';
import { TEST_JWT_SECRET, useApiContext, type TestApp, type TestUser } from '../support/api-context.ts';
import { apiCredentials } from '../support/factories.ts';
import { runScript } from '../support/run-script.ts';
import { writeSyntheticExport } from '../bench/lib/export-file.ts';

const ctx = useApiContext();
const LIMITS = { messageTextLength: 4000, attachments: 10, metadataBytes: 8192 };

async function exportText(appId: string): Promise<string> {
  const output = new PassThrough();
  const chunks: Buffer[] = [];
  output.on('data', (chunk: Buffer) => chunks.push(chunk));
  await exportApp({ sql: ctx.sql, appId, output });
  output.end();
  return Buffer.concat(chunks).toString('utf8');
}

function importText(text: string, options: Partial<ImportOptions> = {}) {
  const maxLineBytes = options.maxLineBytes ?? 1 << 20;
  return importLines({ sql: ctx.sql, lines: readLines(Readable.from([text]), maxLineBytes), maxLineBytes, limits: LIMITS, ...options });
}

/** The export's data lines (no header, no app line), as objects. */
const dataLines = (text: string) =>
  text
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as Record<string, unknown>)
    .filter((line) => line.kind !== 'header' && line.kind !== 'app');

/** Lines in one order whatever their ids (an export orders by id, which a mapping to another app changes). */
const byKey = (line: Record<string, unknown>) => JSON.stringify([line.kind, line.id, line.channel_id, line.message_id, line.user_id, line.seq]);
const sorted = (lines: Record<string, unknown>[]) => [...lines].sort((a, b) => byKey(a).localeCompare(byKey(b)));

/** Row counts of every table an import writes, for one app. */
async function counts(appId: string) {
  const [row] = await ctx.sql`
    select (select count(*) from users where app_id = ${appId})::int as users,
           (select count(*) from channels where app_id = ${appId})::int as channels,
           (select count(*) from channel_members where app_id = ${appId})::int as members,
           (select count(*) from messages where app_id = ${appId})::int as messages,
           (select count(*) from reactions where app_id = ${appId})::int as reactions`;
  return row!;
}

/** An app with history worth exporting: two members, a reply, a deletion, a reaction, a read position, a mute, a ban, an app-wide ban. */
async function appWithHistory(): Promise<{ app: TestApp; alice: TestUser; bob: TestUser; channelId: string }> {
  const alice = await ctx.newUser(undefined, { display_name: 'Alice' });
  const bob = await ctx.newUser(alice.app, { display_name: 'Bob' });
  const carol = await ctx.newUser(alice.app, { display_name: 'Carol' });
  const channel = await ctx.newChannel(alice, { members: [bob.id, carol.id], metadata: { topic: 'export' } });
  const first = await ctx.send(alice, channel.id, { text: 'first', metadata: { n: 1 } });
  await ctx.send(bob, channel.id, { text: 'a reply', parent_id: first.id });
  const gone = await ctx.send(bob, channel.id, { text: 'deleted soon' });
  await ctx.send(alice, channel.id, { text: 'tab\tand newline\nand backslash \\ and ünïcødé 👍' });
  expect((await ctx.request('DELETE', `/api/channels/${channel.id}/messages/${gone.id}`, { token: bob.token })).status).toBe(200);
  await ctx.request('POST', `/api/channels/${channel.id}/messages/${first.id}/reactions`, { token: bob.token, body: { type: ':heart:' } });
  await ctx.request('POST', `/api/channels/${channel.id}/read`, { token: bob.token, body: { seq: 2 } });
  // Carol: muted in the channel for an hour, then banned from it (which ends her membership), and banned app-wide.
  const moderate = (path: string, body: object) => ctx.request('POST', `/api/channels/${channel.id}/${path}`, { token: alice.token, body });
  expect((await moderate('mutes', { user_id: carol.id, expires_in: 3600 })).status).toBe(200);
  expect((await moderate('bans', { user_id: carol.id, reason: 'spam' })).status).toBe(200);
  expect((await ctx.request('POST', `/api/users/${carol.id}/ban`, { headers: apiCredentials(alice.app), body: { reason: 'abuse' } })).status).toBe(200);
  await ctx.settled();
  return { app: alice.app, alice, bob, channelId: channel.id };
}

describe('export', () => {
  it('writes a header, then every kind in order, without credentials', async () => {
    const { app } = await appWithHistory();
    const text = await exportText(app.id);
    const lines = text.trim().split('\n').map((line) => JSON.parse(line));
    expect(lines[0]).toMatchObject({ kind: 'header', format: 'heyyo-ndjson', version: 2, app_id: app.id });
    expect(lines[1]).toEqual({ kind: 'app', id: app.id, name: app.name, created_at: expect.any(String) });
    expect(lines.map((line) => line.kind)).toEqual([
      'header', 'app', 'user', 'user', 'user', 'app_ban', 'channel', 'member', 'member', 'restriction', 'restriction',
      'message', 'message', 'message', 'message', 'reaction', 'read_state', 'read_state',
    ]);
    expect(lines.filter((line) => line.kind === 'restriction').map((line) => [line.type, line.reason, line.created_by === null, line.expires_at === null]))
      .toEqual(expect.arrayContaining([['ban', 'spam', false, true], ['mute', null, false, false]]));
    expect(text).not.toContain(app.api_key);
    expect(text).not.toContain('api_secret');
    // Every line is one the importer accepts.
    for (const line of text.trim().split('\n')) expect(validateLine(line, LIMITS)).toMatchObject({ ok: true });
  });
});

describe('import', () => {
  it('restores into another app: an export of the copy equals the original with ids mapped, and a re-run changes nothing', async () => {
    const { app } = await appWithHistory();
    const original = await exportText(app.id);
    const target = await ctx.newApp();
    const report = await importText(original, { targetAppId: target.id });
    expect(report.errors).toEqual([]);
    expect(report.counts).toEqual({ user: 3, app_ban: 1, channel: 1, member: 2, restriction: 2, message: 4, reaction: 1, read_state: 2 });

    const ids = createIdMapping(app.id, target.id);
    const expected = dataLines(original).map((line) => mapLine(line as unknown as DataLine, ids) as unknown as Record<string, unknown>);
    const copy = dataLines(await exportText(target.id));
    expect(sorted(copy)).toEqual(sorted(expected));

    const before = await counts(target.id);
    const again = await importText(original, { targetAppId: target.id });
    expect(again.errors).toEqual([]);
    expect(await counts(target.id)).toEqual(before);
    expect(again.messageBatches).toEqual({ direct: 0, staged: 1 });
    expect(await ctx.repos.counters.reconcile(false)).toEqual({ channels: 0, messages: 0 });
  });

  it('restores an app into its own empty row with every id kept, and the API goes on from there', async () => {
    const { app, alice, bob, channelId } = await appWithHistory();
    const original = await exportText(app.id);
    const [stored] = await ctx.sql`select api_key, api_secret_hash from apps where id = ${app.id}`;
    // A lost database: the app row is all that is recreated before the restore.
    await ctx.sql`delete from apps where id = ${app.id}`;
    await ctx.sql`insert into apps (id, name, api_key, api_secret_hash) values (${app.id}, ${app.name}, ${stored!.api_key}, ${stored!.api_secret_hash})`;
    const report = await importText(original);
    expect(report.errors).toEqual([]);
    expect(report.messageBatches).toEqual({ direct: 1, staged: 0 });
    const [header, , ...rest] = (await exportText(app.id)).trim().split('\n');
    const [originalHeader, , ...originalRest] = original.trim().split('\n');
    expect(JSON.parse(header!).app_id).toBe(JSON.parse(originalHeader!).app_id);
    expect(rest).toEqual(originalRest);

    // The same users sign in again (by external id) and find their history.
    const aliceAgain = await ctx.newUser(app, { externalId: alice.externalId });
    const bobAgain = await ctx.newUser(app, { externalId: bob.externalId });
    expect(aliceAgain.id).toBe(alice.id);
    const history = await ctx.request('GET', `/api/channels/${channelId}/messages`, { token: aliceAgain.token });
    expect(history.status).toBe(200);
    expect(history.body.map((message: { seq: number }) => message.seq)).toEqual([1, 2, 4]);
    expect(history.body[0]).toMatchObject({ text: 'first', reply_count: 1, reaction_counts: { ':heart:': 1 } });
    const bobsChannels = await ctx.request('GET', '/api/channels', { token: bobAgain.token });
    // Bob read up to 2; after it: his own deleted 3 (not counted) and Alice's 4.
    expect(bobsChannels.body[0]).toMatchObject({ id: channelId, last_seq: 4, last_read_seq: 2, unread_count: 1, message_count: 3, member_count: 2 });

    const next = await ctx.send(aliceAgain, channelId, { text: 'after the restore' });
    expect(next.seq).toBe(5);
    expect(Date.parse(next.created_at)).toBeGreaterThan(Date.parse(history.body.at(-1).created_at));
    expect(await ctx.repos.counters.reconcile(false)).toEqual({ channels: 0, messages: 0 });
  });

  it('matches users of an existing app by external_id: their messages go to the user already there', async () => {
    const { app, alice } = await appWithHistory();
    const original = await exportText(app.id);
    const target = await ctx.newApp();
    const aliceThere = await ctx.newUser(target, { externalId: alice.externalId });
    const report = await importText(original, { targetAppId: target.id });
    expect(report.errors).toEqual([]);
    expect((await counts(target.id)).users).toBe(3);
    const authored = await ctx.sql`select seq from messages where app_id = ${target.id} and user_id = ${aliceThere.id} order by seq`;
    expect(authored.map((row) => Number(row.seq))).toEqual([1, 4]);
    const channels = await ctx.request('GET', '/api/channels', { token: aliceThere.token });
    expect(channels.body).toEqual([expect.objectContaining({ role: 'owner', last_seq: 4 })]);
  });

  it('stores the same with the foreign key triggers skipped, each reference checked and locked by the importer instead', async () => {
    const { app } = await appWithHistory();
    const original = await exportText(app.id);
    const checked = await ctx.newApp();
    const trusted = await ctx.newApp();
    expect(await importText(original, { targetAppId: checked.id, perRowTriggers: true })).toMatchObject({ errors: [], referenceChecks: 'per-row triggers' });
    const report = await importText(original, { targetAppId: trusted.id });
    expect(report).toMatchObject({ errors: [], referenceChecks: 'importer' });
    expect(await counts(trusted.id)).toEqual(await counts(checked.id));
    const ids = createIdMapping(app.id, trusted.id);
    expect(sorted(dataLines(await exportText(trusted.id)))).toEqual(sorted(dataLines(original).map((line) => mapLine(line as unknown as DataLine, ids) as unknown as Record<string, unknown>)));
    expect(await ctx.repos.counters.reconcile(false)).toEqual({ channels: 0, messages: 0 });

    // A reference outside the app is refused before anything is written, triggers or not.
    const other = await appWithHistory();
    const lines = original.trim().split('\n');
    expect(JSON.parse(lines[11]!).kind).toBe('message');
    lines[11] = JSON.stringify({ ...JSON.parse(lines[11]!), user_id: other.alice.id });
    const refused = await importText(lines.join('\n'), { targetAppId: (await ctx.newApp()).id });
    expect(refused).toMatchObject({ referenceChecks: 'importer', errors: [expect.stringMatching(/^line 12: user [0-9a-f-]+ is not in the target app/)] });
  });

  it('checks itself every foreign key of the tables whose triggers it skips', async () => {
    const keysOf = async (table: string) => {
      const keys = await ctx.sql`
        select a.attname as column from pg_constraint c join pg_attribute a on a.attrelid = c.conrelid and a.attnum = any(c.conkey)
         where c.conrelid = ${table}::regclass and c.contype = 'f' order by 1`;
      return keys.map((row) => row.column as string);
    };
    expect(await keysOf('messages')).toEqual([...MESSAGE_REFERENCES_CHECKED]);
    expect(await keysOf('channel_members')).toEqual([...MEMBER_REFERENCES_CHECKED]);
    expect(await keysOf('reactions')).toEqual([...REACTION_REFERENCES_CHECKED]);
  });

  it('skips the triggers only for a role that may: a superuser, or one granted SET on session_replication_role', async () => {
    const role = `heyyo_import_${randomBytes(4).toString('hex')}`;
    const connection = await ctx.sql.reserve();
    try {
      await connection`create role ${connection(role)} nologin`;
      await connection`set role ${connection(role)}`;
      expect(await maySkipReferenceTriggers(connection)).toBe(false);
      await connection`reset role`;
      await connection`grant set on parameter session_replication_role to ${connection(role)}`;
      await connection`set role ${connection(role)}`;
      expect(await maySkipReferenceTriggers(connection)).toBe(true);
    } finally {
      await connection`reset role`;
      await connection`revoke set on parameter session_replication_role from ${connection(role)}`.catch(() => {});
      await connection`drop role if exists ${connection(role)}`;
      connection.release();
    }
    expect(await maySkipReferenceTriggers(ctx.sql)).toBe(true);
  });

  it('writes many channels on two writers: every channel complete, a re-run stores nothing, a broken line leaves each channel a gap-free prefix', async () => {
    const target = await ctx.newApp();
    const folder = mkdtempSync(join(tmpdir(), 'heyyo-transfer-'));
    try {
      const file = join(folder, 'many.ndjson');
      await writeSyntheticExport(file, target.id, { users: 30, channels: 12, messages: 3000, reactionEvery: 50 });
      const text = readFileSync(file, 'utf8');
      const small = { targetAppId: target.id, bulkBatchLines: 100, batchLines: 50 };
      const report = await importText(text, small);
      expect(report.errors).toEqual([]);
      expect(report.counts).toMatchObject({ user: 30, channel: 12, message: 3000, reaction: 60 });
      expect(report.messageBatches.staged).toBe(0);
      const perChannel = await ctx.sql`select last_seq, message_count from channels where app_id = ${target.id}`;
      expect(perChannel.map((row) => [Number(row.last_seq), Number(row.message_count)])).toEqual(Array(12).fill([250, 250]));
      const again = await importText(text, small);
      expect(again.errors).toEqual([]);
      expect((await counts(target.id)).messages).toBe(3000);
      expect(await ctx.repos.counters.reconcile(false)).toEqual({ channels: 0, messages: 0 });

      const other = await ctx.newApp();
      const otherFile = join(folder, 'other.ndjson');
      await writeSyntheticExport(otherFile, other.id, { users: 30, channels: 12, messages: 3000, reactionEvery: 50 });
      const lines = readFileSync(otherFile, 'utf8').trim().split('\n');
      const middle = lines.findIndex((line) => line.includes('"seq":200,'));
      lines[middle] = 'not json';
      const broken = await importText(lines.join('\n'), { ...small, targetAppId: other.id });
      // The line after it is reported too: its seq does not follow the last one read (then counting resumes).
      expect(broken.errors).toEqual([`line ${middle + 1}: not valid JSON`, expect.stringMatching(new RegExp(`^line ${middle + 2}: seq 201 of channel .* where 200 comes next`))]);
      const stored = await ctx.sql`
        select channel_id, count(*)::int as n, max(seq)::int as last from messages where app_id = ${other.id} group by channel_id`;
      expect(stored.every((row) => row.n === row.last)).toBe(true);
      const brokenChannel = JSON.parse(lines[middle - 1]!).channel_id;
      expect(stored.find((row) => row.channel_id === brokenChannel)?.last ?? 0).toBeLessThan(199);
      expect(await ctx.repos.counters.reconcile(false)).toEqual({ channels: 0, messages: 0 });
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });

  it('names a broken line, leaves its whole batch out, stops writing there, and reports every later bad line', async () => {
    const { app } = await appWithHistory();
    const lines = (await exportText(app.id)).trim().split('\n');
    const target = await ctx.newApp();
    // Lines 12–15 are the four messages; with batches of 2, lines 12–13 and 14–15.
    expect(JSON.parse(lines[13]!).kind).toBe('message');
    lines[13] = JSON.stringify({ ...JSON.parse(lines[13]!), seq: 'three' });
    expect(JSON.parse(lines[16]!).kind).toBe('read_state');
    lines[16] = '{"kind":"read_state", not json';
    const report = await importText(lines.join('\n'), { targetAppId: target.id, bulkBatchLines: 2, batchLines: 2 });
    expect(report.errors).toEqual([
      'line 14: message: seq must be an integer from 1 to 9007199254740991',
      'line 15: seq 4 of channel ' + JSON.parse(lines[14]!).channel_id + ' where 3 comes next (seqs run 1, 2, 3… per channel, in order)',
      'line 17: not valid JSON',
    ]);
    const stored = await counts(target.id);
    // Everything before the broken batch went in (messages 1 and 2, lines 12–13); that batch and all after did not.
    expect(stored).toEqual({ users: 3, channels: 1, members: 2, messages: 2, reactions: 0 });
    expect(report.counts).toMatchObject({ message: 2, reaction: 0, read_state: 0 });
  });

  it('refuses NUL, lone surrogates, an unknown kind, an over-long line, and a file without a header', async () => {
    const target = await ctx.newApp();
    const header = JSON.stringify({ kind: 'header', format: 'heyyo-ndjson', version: 1, app_id: target.id, exported_at: new Date().toISOString() });
    const user = (externalId: string) =>
      JSON.stringify({ kind: 'user', id: crypto.randomUUID(), external_id: externalId, display_name: null, avatar_url: null, metadata: {}, deactivated_at: null, erased_at: null, created_at: '2026-01-01T00:00:00Z', updated_at: '2026-01-01T00:00:00Z' });
    const text = [header, user('nul\u0000'), user('lone\ud800'), '{"kind":"webhook"}', user('x'.repeat(300)), user('y'.repeat(2000)), user('ok')].join('\n');
    const report = await importText(text, { maxLineBytes: 1000 });
    expect(report.errors).toEqual([
      'line 2: external_id must not contain NUL (\\u0000) characters',
      'line 3: external_id must not contain unpaired UTF-16 surrogates',
      'line 4: unknown kind "webhook"',
      'line 5: user: external_id must be at most 255 characters',
      'line 6: longer than 1000 bytes',
    ]);
    expect((await counts(target.id)).users).toBe(0);
    await expect(importText(user('first'))).rejects.toThrow(/line 1: the first line must be the header/);
  });

  it('refuses rows that point into another app', async () => {
    const { app } = await appWithHistory();
    const other = await appWithHistory();
    const lines = (await exportText(app.id)).trim().split('\n');
    const message = JSON.parse(lines[11]!);
    expect(message.kind).toBe('message');
    // Same app id as the file says, but the author is a user of the other app.
    lines[11] = JSON.stringify({ ...message, user_id: other.alice.id });
    await ctx.sql`delete from messages where app_id = ${app.id}`;
    const report = await importText(lines.join('\n'));
    expect(report.errors).toEqual([expect.stringMatching(new RegExp(`^line 12: user ${other.alice.id} is not in the target app`))]);
    expect((await counts(app.id)).messages).toBe(0);
  });
});

describe('the command lines', () => {
  it('export to a file and import it, with plain progress lines off a terminal; a broken file exits 1 naming its line', async () => {
    const { app } = await appWithHistory();
    const target = await ctx.newApp();
    const folder = mkdtempSync(join(tmpdir(), 'heyyo-transfer-'));
    const env = { NODE_ENV: 'test', DATABASE_URL: ctx.config.database.url, HEYYO_JWT_KEYS: `test:${TEST_JWT_SECRET}`, HEYYO_DATA_DIR: folder, LOG_LEVEL: 'silent' };
    try {
      const file = join(folder, 'app.ndjson');
      const exported = await runScript(['--import', 'tsx', 'libs/transfer/src/export.cli.ts', '--app', app.id, '--out', file], env);
      expect(exported).toMatchObject({ code: 0 });
      expect(exported.output).toMatch(/^exported 4\/4 messages, \d+\/s$/m);
      expect(exported.output).toContain(`exported app ${app.id}: 18 lines, 4 messages to ${file}`);
      const imported = await runScript(['--import', 'tsx', 'libs/transfer/src/import.cli.ts', '--app', target.id, file], env);
      expect(imported).toMatchObject({ code: 0 });
      expect(imported.output).toMatch(/^imported 4 messages \(100%\), \d+\/s$/m);
      expect(imported.output).toContain(`imported into app ${target.id}: 3 user, 1 app_ban, 1 channel, 2 member, 2 restriction, 4 message, 1 reaction, 2 read_state`);

      const lines = readFileSync(file, 'utf8').trim().split('\n');
      expect(JSON.parse(lines[6]!).kind).toBe('channel');
      lines[6] = '{"kind":"channel"}';
      writeFileSync(file, lines.join('\n'));
      const broken = await runScript(['--import', 'tsx', 'libs/transfer/src/import.cli.ts', '--app', (await ctx.newApp()).id, file], env);
      expect(broken.code).toBe(1);
      expect(broken.output).toContain('line 7: channel: id must be a lowercase UUID');
      const usage = await runScript(['--import', 'tsx', 'libs/transfer/src/import.cli.ts'], env);
      expect(usage.code).toBe(2);
      expect(usage.output).toContain('usage: npm run import');
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });
});

describe('import from @tegrabox/chat-sdk', () => {
  const dump = [
    { kind: 'user', id: 'u1', username: 'johndoe', external_user_id: 'user_12345', display_name: 'John Doe', email: 'john@example.com', status: 'active' },
    { kind: 'user', id: 'u2', username: 'jane', display_name: 'Jane' },
    { kind: 'room', id: 'r1', name: 'General Chat', created_by: 'u1', members: ['u2'] },
    { kind: 'message', id: 'm2', room_id: 'r1', user_id: 'u2', content: 'second', created_at: '2025-05-01T10:00:02.000Z' },
    { kind: 'message', id: 'm1', room_id: 'r1', user_id: 'u1', content: 'Hello, world!', created_at: '2025-05-01T10:00:01.000Z' },
  ];
  const ndjson = dump.map((record) => JSON.stringify(record)).join('\n');

  it('maps username to external_id, content to text, rooms to channels, numbering by created_at; a re-run stores nothing new', async () => {
    const target = await ctx.newApp();
    const lines = tegraboxToLines(parseTegraboxDump(ndjson, { maxLineBytes: 1 << 20 }), target.id);
    const report = await importLines({ sql: ctx.sql, lines, maxLineBytes: 1 << 20, limits: LIMITS, targetAppId: target.id });
    expect(report.errors).toEqual([]);
    const users = await ctx.sql`select external_id, display_name, metadata from users where app_id = ${target.id} order by external_id`;
    expect(users).toEqual([
      { external_id: 'jane', display_name: 'Jane', metadata: { tegrabox_id: 'u2' } },
      { external_id: 'johndoe', display_name: 'John Doe', metadata: { tegrabox_id: 'u1', external_user_id: 'user_12345', email: 'john@example.com', status: 'active' } },
    ]);
    const john = await ctx.newUser(target, { externalId: 'johndoe' });
    const channels = await ctx.request('GET', '/api/channels', { token: john.token });
    expect(channels.body).toEqual([expect.objectContaining({ name: 'General Chat', type: 'messaging', role: 'owner', member_count: 2, last_seq: 2 })]);
    const history = await ctx.request('GET', `/api/channels/${channels.body[0].id}/messages`, { token: john.token });
    expect(history.body.map((m: { seq: number; text: string; user_external_id: string; created_at: string }) => [m.seq, m.text, m.user_external_id, m.created_at])).toEqual([
      [1, 'Hello, world!', 'johndoe', '2025-05-01T10:00:01.000Z'],
      [2, 'second', 'jane', '2025-05-01T10:00:02.000Z'],
    ]);

    const before = await counts(target.id);
    const again = await importLines({ sql: ctx.sql, lines: tegraboxToLines(parseTegraboxDump(ndjson, { maxLineBytes: 1 << 20 }), target.id), maxLineBytes: 1 << 20, limits: LIMITS, targetAppId: target.id });
    expect(again.errors).toEqual([]);
    expect(await counts(target.id)).toEqual(before);
    expect((await ctx.send(john, channels.body[0].id, { text: 'now on Heyyo' })).seq).toBe(3);
  });

  it('reads the one-document form and lists every record that does not fit', () => {
    const document = JSON.stringify({ users: dump.slice(0, 2), rooms: [{ id: 'r1', name: 'x', created_by: 'nobody' }], messages: [{ id: 'm1', room_id: 'r9', user_id: 'u1', content: '', created_at: 'yesterday' }] });
    expect(() => tegraboxToLines(parseTegraboxDump(document, { maxLineBytes: 1 << 20 }), crypto.randomUUID())).toThrow(
      /messages\[0\]: content must be a non-empty string[\s\S]*rooms\[0\]: created_by nobody is not a user of the dump/,
    );
  });
});
