import { pino, type Logger, type LoggerOptions } from 'pino';
import { serializeError } from './error-serializer.ts';

export type { Logger };

/** Paths pino replaces with "[redacted]": credentials must never reach a log line. */
export const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-api-key"]',
  'req.headers["x-api-secret"]',
  'res.headers["set-cookie"]',
  '*.api_secret',
  '*.apiSecret',
  '*.token',
  '*.adminToken',
  '*.password',
  '*.secret',
];

export interface LoggerFactoryOptions {
  level: LoggerOptions['level'];
  /** Component name on every line, e.g. "api". */
  name?: string;
  /** Where lines go; a test can pass a stream to read them back. @defaultValue stdout */
  destination?: NodeJS.WritableStream;
}

/** The one pino factory: JSON lines, ISO times, credentials redacted, no query parameters. */
export function createLogger(options: LoggerFactoryOptions): Logger {
  const loggerOptions: LoggerOptions = {
    level: options.level,
    name: options.name,
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    base: { pid: process.pid },
    // A failed query's error carries its parameters (message text, metadata, names): scrubbed.
    serializers: { err: serializeError },
  };
  return options.destination
    ? pino(loggerOptions, options.destination as pino.DestinationStream)
    : pino(loggerOptions);
}
export { warnAtMostEvery } from './throttled-warning.ts';
