import type { Sql } from 'postgres';
import { KIND_ORDER, type AnyLine, type DataLine, type HeaderLine, type Kind, type UserLine } from './format.ts';
import { createIdMapping, type IdMapping } from './id-mapping.ts';
import {
  appExists,
  maySkipReferenceTriggers,
  MissingReference,
  writeAppBans,
  writeChannels,
  writeMembers,
  writeMessages,
  writeReactions,
  writeReadStates,
  writeRestrictions,
  writeUsers,
  type MessagePath,
} from './import-store.ts';
import { recountAfterImport, type ImportTouched } from './derived-counters.ts';
import type { InputLine } from './line-reader.ts';
import { validateLine, type LineLimits } from './validate-line.ts';

export interface ImportOptions {
  /** A pool the import owns for its duration (statement deadlines set on it). */
  sql: Sql;
  lines: AsyncIterable<InputLine> | Iterable<InputLine>;
  /** The longest line read (InputLine.tooLong), for the error message. */
  maxLineBytes: number;
  /** The app to import into; the header's app (restoring it) when omitted. It must exist. */
  targetAppId?: string;
  limits: LineLimits;
  /** Lines per batch (one transaction each) of memberships, messages and reactions. @defaultValue 10000 */
  bulkBatchLines?: number;
  /** Lines per batch of the other kinds. @defaultValue 2000 */
  batchLines?: number;
  /** Line errors reported at most (the count goes on). @defaultValue 100 */
  maxErrors?: number;
  /**
   * Leave every membership, message and reaction row's foreign keys to Postgres's per-row triggers even where the role may
   * skip them (see ReferenceOptions.skipReferenceTriggers; the importer checks the same
   * references either way). @defaultValue false: skipped when maySkipReferenceTriggers.
   */
  perRowTriggers?: boolean;
  /**
   * Membership, message and reaction batches written at once, each over its own channels (reactions: messages), a lane per writer. With more than
   * one, a batch Postgres refuses may be followed by another lane's batch that had already committed.
   * @defaultValue 2
   */
  writers?: number;
  /** Called after each committed batch. */
  onProgress?: (counts: Readonly<ImportCounts>) => void;
}

export type ImportCounts = Record<Exclude<Kind, 'header' | 'app'>, number>;

export interface ImportReport {
  appId: string | undefined;
  /** Lines of each kind in committed batches (stored, or present already). */
  counts: ImportCounts;
  /** `line N: reason`, in file order; empty when the whole file was imported. */
  errors: string[];
  /** Every error, including those past maxErrors. */
  errorCount: number;
  /** Message batches COPYed straight into the table, and through staging. */
  messageBatches: Record<MessagePath, number>;
  /** Who checked the membership, message and reaction rows' foreign keys: the importer alone (set-based), or also Postgres's per-row triggers. */
  referenceChecks: 'importer' | 'per-row triggers';
  /** Where the time went: batches written (Postgres, summed over the writers, overlapping the reading), waiting on them, and the final recount. */
  seconds: { writing: number; waitingForWrites: number; recount: number };
}

interface Lane {
  batch: Batch;
  /** Its last batch handed to the writer: the lane's batches are written in order, each after the one before (resolves when committed, failed or skipped; never rejects). */
  tail: Promise<void>;
}

/**
 * Batches handed to the writers and not yet committed, per writer: each writer has the next one
 * ready when it commits, and the reader goes on while any writer has room (it waits for whichever
 * finishes first, not for the lane it fills next).
 */
const BATCHES_QUEUED_PER_WRITER = 2;

/** The kinds of the bulk of a file: big batches, queued for the writers without waiting for each. */
const BULK_KINDS: ReadonlySet<Kind> = new Set(['member', 'message', 'reaction']);

/**
 * Lines read between two turns of the event loop. The writers' sockets are served by this thread:
 * without a turn, a 1 MiB chunk of the file (~2,000 lines, ~20 ms of parsing) holds every writer's
 * next statement until it is parsed.
 */
const LINES_PER_TURN = 256;

interface Batch {
  kind: Kind | undefined;
  lines: { number: number; line: DataLine; source: DataLine }[];
  firstLine: number;
  /** Lines read into it, bad ones included: a batch is a run of lines of the file. */
  read: number;
  broken: boolean;
}

/** A file that cannot be imported at all (no header, unknown app): nothing is written. */
export class ImportRefused extends Error {}

/**
 * Imports an export file (see format.ts). Lines are read in batches of one kind; a batch with a
 * bad line is not written, and neither is anything after it (later lines may refer to its rows),
 * but the rest of the file is still checked so one run reports every bad line. Each good batch
 * commits on its own and is idempotent (existing rows win), so a fixed file is simply run again.
 * Finally the derived counters of the channels it touched are recomputed.
 */
export async function importLines(options: ImportOptions): Promise<ImportReport> {
  const { sql, limits } = options;
  const maxErrors = options.maxErrors ?? 100;
  const report: ImportReport = {
    appId: undefined,
    counts: { user: 0, app_ban: 0, channel: 0, member: 0, restriction: 0, message: 0, reaction: 0, read_state: 0 },
    errors: [],
    errorCount: 0,
    messageBatches: { direct: 0, staged: 0 },
    referenceChecks: 'per-row triggers',
    seconds: { writing: 0, waitingForWrites: 0, recount: 0 },
  };
  const timed = async <T>(key: keyof ImportReport['seconds'], work: Promise<T>): Promise<T> => {
    const started = performance.now();
    try {
      return await work;
    } finally {
      report.seconds[key] += (performance.now() - started) / 1000;
    }
  };
  const fail = (where: string, reason: string) => {
    report.errorCount++;
    if (report.errors.length < maxErrors) report.errors.push(`${where}: ${reason}`);
  };

  let header: HeaderLine | undefined;
  let appId = '';
  let mapping: IdMapping | undefined;
  let kindIndex = 0;
  let stopped = false;
  const nextSeq = new Map<string, number>();
  const touched = { channels: new Set<string>(), reactedMessages: new Set<string>(), parents: new Set<string>() } satisfies ImportTouched;
  const newBatch = (): Batch => ({ kind: undefined, lines: [], firstLine: 0, read: 0, broken: false });
  // Message and membership batches go to `writers` lanes by channel, each with its own transaction in
  // flight: no two lanes ever lock the same channel, and a reply's parent (same channel) is in its lane
  // before it. Reaction batches go by message (a message's reactions always to the same lane).
  const writers = Math.max(1, options.writers ?? 2);
  const lanes: Lane[] = Array.from({ length: writers }, () => ({ batch: newBatch(), tail: Promise.resolve() }));
  const queued = new Set<Promise<void>>();
  const laneBy = (id: string) => lanes[Number.parseInt(id.slice(-4), 16) % writers]!;
  const laneOf = (line: AnyLine) =>
    line.kind === 'message' || line.kind === 'member' ? laneBy(line.channel_id) : line.kind === 'reaction' ? laneBy(line.message_id) : lanes[0]!;
  let kind: Kind | undefined;

  const lineOf = (current: Batch, id: string) =>
    current.lines.find(({ line }) => Object.values(line).includes(id))?.number ?? current.firstLine;

  /** Where a committed batch's rows can have moved derived counters (see recountAfterImport). */
  function noteTouched(rows: DataLine[]): void {
    for (const line of rows) {
      if (line.kind === 'message' || line.kind === 'member') touched.channels.add(line.channel_id);
      if (line.kind === 'message' && line.parent_id) touched.parents.add(line.parent_id);
      if (line.kind === 'reaction') touched.reactedMessages.add(line.message_id);
    }
  }

  async function write(current: Batch): Promise<void> {
    const rows = current.lines.map(({ line }) => line);
    try {
      await sql.begin(async (tx) => {
        switch (current.kind) {
          case 'user': {
            const stored = await writeUsers(tx, appId, rows as UserLine[]);
            for (const { source, line } of current.lines) mapping!.useUser((source as UserLine).id, stored.get((line as UserLine).external_id)!);
            break;
          }
          case 'app_ban':
            return writeAppBans(tx, appId, rows as never);
          case 'channel':
            return writeChannels(tx, appId, rows as never);
          case 'restriction':
            return writeRestrictions(tx, appId, rows as never);
          case 'member':
            return writeMembers(tx, appId, rows as never, { skipReferenceTriggers: report.referenceChecks === 'importer' });
          case 'message':
            report.messageBatches[await writeMessages(tx, appId, rows as never, { skipReferenceTriggers: report.referenceChecks === 'importer' })]++;
            break;
          case 'reaction':
            return writeReactions(tx, appId, rows as never, { skipReferenceTriggers: report.referenceChecks === 'importer' });
          case 'read_state':
            return writeReadStates(tx, appId, rows as never);
        }
      });
      report.counts[current.kind as keyof ImportCounts] += rows.length;
      noteTouched(rows);
      options.onProgress?.(report.counts);
    } catch (error) {
      stopped = true;
      if (error instanceof MissingReference) fail(`line ${lineOf(current, error.id)}`, `${error.message} (its batch, lines ${current.firstLine}–${current.lines.at(-1)?.number}, was not imported)`);
      else fail(`lines ${current.firstLine}–${current.lines.at(-1)?.number ?? current.firstLine}`, `not imported: ${(error as Error).message}`);
    }
  }

  async function flush(lane: Lane): Promise<void> {
    const current = lane.batch;
    lane.batch = newBatch();
    if (current.broken) stopped = true;
    if (stopped || current.lines.length === 0) return;
    while (queued.size >= BATCHES_QUEUED_PER_WRITER * writers) await timed('waitingForWrites', Promise.race(queued));
    // A lane writes its batches in order; one that failed stops the rest, on every lane.
    const writing: Promise<void> = lane.tail.then(() => (stopped ? undefined : timed('writing', write(current)))).finally(() => queued.delete(writing));
    queued.add(writing);
    lane.tail = writing;
    // The small kinds are written one batch at a time (a user batch decides the ids the next one maps to).
    if (!BULK_KINDS.has(current.kind!)) await timed('waitingForWrites', writing);
  }

  /** Every lane's batches written and committed: what the next kind refers to is stored. */
  async function flushAll(): Promise<void> {
    for (const lane of lanes) await flush(lane);
    await timed('waitingForWrites', Promise.all(queued));
  }

  const sizeOf = (kind: Kind | undefined) => (BULK_KINDS.has(kind!) ? (options.bulkBatchLines ?? 10_000) : (options.batchLines ?? 2_000));

  /** Line `number` is bad: it breaks the batch it goes into, its channel's lane's, or every lane's when that is unknown. */
  async function broken(number: number, reason: string, into: Lane[] = lanes): Promise<void> {
    fail(`line ${number}`, reason);
    for (const lane of into) {
      if (lane.batch.firstLine === 0) lane.batch.firstLine = number;
      lane.batch.broken = true;
      if (++lane.batch.read >= sizeOf(kind)) await flush(lane);
    }
  }

  let linesThisTurn = 0;
  for await (const input of options.lines) {
    if (++linesThisTurn === LINES_PER_TURN) {
      linesThisTurn = 0;
      await new Promise(setImmediate);
    }
    if (input.tooLong) {
      await broken(input.number, `longer than ${options.maxLineBytes} bytes`);
      continue;
    }
    const checked = validateLine(input.text, limits);
    if (!checked.ok) {
      if (!header) throw new ImportRefused(`line ${input.number}: ${checked.reason} (the first line must be the export's header)`);
      await broken(input.number, checked.reason);
      continue;
    }
    const line: AnyLine = checked.value;
    if (!header) {
      if (line.kind !== 'header') throw new ImportRefused(`line ${input.number}: the first line must be the header ({"kind":"header",…})`);
      header = line;
      appId = options.targetAppId ?? header.app_id;
      report.appId = appId;
      if (!(await appExists(sql, appId))) {
        throw new ImportRefused(`app ${appId} does not exist: create it (POST /api/apps) and pass its id with --app`);
      }
      mapping = createIdMapping(header.app_id, appId);
      if (!options.perRowTriggers && (await maySkipReferenceTriggers(sql))) report.referenceChecks = 'importer';
      continue;
    }
    const index = KIND_ORDER.indexOf(line.kind);
    if (line.kind === 'header' || index < kindIndex) {
      await broken(input.number, `a ${line.kind} line after ${KIND_ORDER[kindIndex]} lines (the order is ${KIND_ORDER.join(', ')})`);
      continue;
    }
    kindIndex = index;
    if (line.kind === 'app') continue;
    // Ids are mapped once the kind before is stored (users: an existing user's id may replace the file's).
    if (kind !== line.kind) {
      await flushAll();
      kind = line.kind;
    }
    const lane = laneOf(line);
    if (line.kind === 'message') {
      const expected = nextSeq.get(line.channel_id) ?? 1;
      if (line.seq !== expected) {
        // Counting on from this line: a gap (or a broken line before) is reported once, not at every line after it.
        nextSeq.set(line.channel_id, line.seq + 1);
        await broken(input.number, `seq ${line.seq} of channel ${line.channel_id} where ${expected} comes next (seqs run 1, 2, 3… per channel, in order)`, [lane]);
        continue;
      }
      nextSeq.set(line.channel_id, expected + 1);
    }
    const batch = lane.batch;
    if (batch.firstLine === 0) batch.firstLine = input.number;
    batch.kind = line.kind;
    batch.lines.push({ number: input.number, line: mapLine(line, mapping!), source: line });
    if (++batch.read >= sizeOf(kind)) await flush(lane);
  }
  if (!header) throw new ImportRefused('the file is empty: no header line');
  await flushAll();
  if (touched.channels.size + touched.reactedMessages.size > 0) await timed('recount', recountAfterImport(sql, appId, touched));
  return report;
}

/** The line with its ids as the target app stores them (see IdMapping). */
export function mapLine(line: DataLine, ids: IdMapping): DataLine {
  if (ids.isIdentity()) return line;
  switch (line.kind) {
    case 'user':
      return { ...line, id: ids.row(line.id) };
    case 'channel':
      return { ...line, id: ids.row(line.id), created_by: ids.user(line.created_by) };
    case 'app_ban':
      return { ...line, user_id: ids.user(line.user_id) };
    case 'member':
    case 'read_state':
      return { ...line, channel_id: ids.row(line.channel_id), user_id: ids.user(line.user_id) };
    case 'restriction':
      return { ...line, channel_id: ids.row(line.channel_id), user_id: ids.user(line.user_id), created_by: line.created_by && ids.user(line.created_by) };
    case 'message':
      return {
        ...line,
        id: ids.row(line.id),
        channel_id: ids.row(line.channel_id),
        user_id: ids.user(line.user_id),
        parent_id: line.parent_id && ids.row(line.parent_id),
        pinned_by: line.pinned_by && ids.user(line.pinned_by),
      };
    case 'reaction':
      return { ...line, message_id: ids.row(line.message_id), user_id: ids.user(line.user_id) };
  }
}
