import type { Config } from '@heyyo/config';
import { createDatabaseIfMissing, postgresAnswers } from '@heyyo/database';
import type { Logger } from '@heyyo/logging';
import { startEmbeddedPostgres } from './embedded-postgres.ts';

export interface PostgresSource {
  url: string;
  /** configured: DATABASE_URL; local: the server at the default URL; embedded: our own. */
  kind: 'configured' | 'local' | 'embedded';
  /** Stops the embedded server; nothing otherwise. */
  stop(): Promise<void>;
}

const nothingToStop = async () => {};

/**
 * Which Postgres this node uses: DATABASE_URL when set; else the local server at the
 * default URL when one answers (production never goes further); else an embedded server
 * with its data under HEYYO_DATA_DIR. HEYYO_EMBEDDED_POSTGRES=1 skips straight to that.
 */
export async function resolvePostgres(config: Readonly<Config>, logger: Logger): Promise<PostgresSource> {
  const { database } = config;
  if (!database.forceEmbedded) {
    if (database.source === 'env') return { url: database.url, kind: 'configured', stop: nothingToStop };
    if (config.env === 'production' || (await postgresAnswers(database.url))) {
      return { url: database.url, kind: 'local', stop: nothingToStop };
    }
  }
  const started = performance.now();
  const embedded = await startEmbeddedPostgres(config.dataDir, logger.child({ component: 'embedded-postgres' }));
  try {
    await createDatabaseIfMissing(embedded.url);
  } catch (error) {
    await embedded.stop();
    throw error;
  }
  logger.info(
    { dataDir: embedded.dataDir, startupMs: Math.round(performance.now() - started) },
    'started the embedded Postgres (data kept in dataDir; set DATABASE_URL to use your own server)',
  );
  return { url: embedded.url, kind: 'embedded', stop: embedded.stop };
}
