import { PassThrough } from 'node:stream';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDb, type DatabaseHandle } from '@heyyo/database';
import { createLogger } from '@heyyo/logging';
import { fileResources } from '../support/resources.ts';

/** What a user wrote, as a failed statement would carry it. */
const SECRET = 'my diary: the launch code is 0000';

/** A logger whose lines the test reads back. */
function capturedLogger() {
  const stream = new PassThrough();
  const lines: string[] = [];
  stream.on('data', (chunk: Buffer) => lines.push(...chunk.toString('utf8').split('\n').filter(Boolean)));
  return { logger: createLogger({ level: 'info', name: 'test', destination: stream }), text: () => lines.join('\n') };
}

async function failure(run: () => Promise<unknown>): Promise<unknown> {
  try {
    await run();
  } catch (error) {
    return error;
  }
  throw new Error('the statement was expected to fail');
}

describe('failed queries in the logs', () => {
  const resources = fileResources('logs');
  let database: DatabaseHandle;

  beforeAll(async () => {
    await resources.createDatabase();
    database = createDb({ url: resources.databaseUrl, poolMax: 1 });
  });

  afterAll(async () => {
    await database?.close();
    await resources.release();
  });

  it('name the statement and the error code, never the values it carried', async () => {
    const { logger, text } = capturedLogger();
    // A drizzle statement whose parameter Postgres refuses, quoting it in its message.
    const error = await failure(() => database.db.execute(sql`select ${SECRET}::uuid as id`));
    logger.error({ err: error }, 'unhandled error');
    await new Promise((resolve) => setImmediate(resolve));

    const logged = text();
    expect(logged).toContain('unhandled error');
    expect(logged).toContain('22P02'); // invalid_text_representation
    expect(logged).toContain('select $1::uuid as id');
    expect(logged).not.toContain('launch code');
    expect(logged).not.toContain('diary');
  });

  it('scrub the driver’s own error too, and leave other errors as they are', async () => {
    const { logger, text } = capturedLogger();
    const error = await failure(() => database.sql`insert into apps (id, name, api_key, api_secret_hash) values (${SECRET}, 'x', 'k', 'h')`);
    logger.error({ err: error }, 'driver error');
    logger.error({ err: new Error('Channel vanished during insert') }, 'plain error');
    await new Promise((resolve) => setImmediate(resolve));

    const logged = text();
    expect(logged).not.toContain('launch code');
    expect(logged).toContain('Channel vanished during insert');
  });
});
