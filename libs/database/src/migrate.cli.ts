/** `npm run migrate`: creates the database if allowed, then applies migrations. */
import { loadConfig } from '@heyyo/config';
import { createLogger } from '@heyyo/logging';
import { createDatabaseIfMissing, runMigrations } from './provision.ts';

const config = loadConfig();
const log = createLogger({ level: config.log.level, name: 'migrate' });
try {
  if (config.database.createIfMissing && (await createDatabaseIfMissing(config.database.url))) {
    log.info('created the database');
  }
  await runMigrations(config.database.url);
  log.info('migrations applied');
} catch (error) {
  log.error({ err: error }, 'migration failed');
  process.exitCode = 1;
}
