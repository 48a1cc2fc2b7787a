import { pino } from 'pino';

/**
 * Fields the Postgres driver (postgres.js) and drizzle put on a failed query's error that
 * carry the statement's values — message text, metadata, names. Never logged.
 */
const VALUE_FIELDS = new Set(['params', 'parameters', 'args', 'types', 'detail', 'where', 'hint', 'query', 'cause']);
/** Statements are logged by their first characters: which statement, not what it carried. */
const STATEMENT_CHARS = 200;

const isQueryError = (error: Error) =>
  'parameters' in error || 'params' in error || error.name === 'PostgresError' || error.constructor?.name === 'DrizzleQueryError';

/** `invalid input syntax for type uuid: "<value>"` → the value redacted; identifiers elsewhere stay. */
const redactValueTail = (message: string) => message.replace(/(: )"(?:[^"\\]|\\.)*"$/s, '$1"[redacted]"');

function statementOf(error: Error): string | undefined {
  const query = (error as { query?: unknown }).query;
  return typeof query === 'string' ? query.replace(/\s+/g, ' ').trim().slice(0, STATEMENT_CHARS) : undefined;
}

/**
 * A failed query's error without the values it carried: drizzle's message ("Failed query: …
 * params: …") becomes the statement alone, the driver's own error keeps its code, severity,
 * routine and the names of the table, column and constraint, and any quoted value at the end
 * of its message is redacted. Other errors pass through unchanged.
 */
export function scrubQueryError(error: Error): Error {
  const cause = error.cause instanceof Error ? scrubQueryError(error.cause) : error.cause;
  if (!isQueryError(error)) {
    if (cause === error.cause) return error;
    // Not a query's error, but caused by one: the same error with the cause scrubbed.
    const copy = Object.assign(Object.create(Object.getPrototypeOf(error) as object) as Error, error);
    return Object.assign(copy, { message: error.message, stack: error.stack, cause });
  }
  const drizzle = error.message.startsWith('Failed query:');
  const message = drizzle ? 'Failed query' : redactValueTail(error.message);
  const scrubbed = new Error(message) as Error & Record<string, unknown>;
  scrubbed.name = drizzle ? 'DrizzleQueryError' : error.name;
  const frames = (error.stack ?? '').split('\n').filter((line) => /^\s+at /.test(line));
  scrubbed.stack = [`${scrubbed.name}: ${message}`, ...frames].join('\n');
  for (const [key, value] of Object.entries(error)) {
    if (!VALUE_FIELDS.has(key) && (typeof value === 'string' || typeof value === 'number')) scrubbed[key] = value;
  }
  const statement = statementOf(error);
  if (statement) scrubbed.statement = statement;
  if (cause !== undefined) scrubbed.cause = cause;
  // pino folds a cause into the message and stack only: lift the driver's code, severity and
  // names onto drizzle's wrapper, where a log search finds them.
  if (cause instanceof Error) {
    for (const [key, value] of Object.entries(cause)) if (scrubbed[key] === undefined) scrubbed[key] = value;
  }
  return scrubbed;
}

/** pino's `err` serializer, after scrubbing a failed query's values. */
export function serializeError(error: unknown): unknown {
  return pino.stdSerializers.err(error instanceof Error ? scrubQueryError(error) : (error as Error));
}
