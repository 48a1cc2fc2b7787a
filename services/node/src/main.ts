/** The one program: `npm start` runs the roles in HEYYO_ROLES on PORT. */
import { ConfigError, loadConfig } from '@heyyo/config';
import { createLogger } from '@heyyo/logging';
import { startNode } from './start-node.ts';

let config;
try {
  config = loadConfig();
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  process.stderr.write(`${error.message}\n`);
  process.exit(1);
}

const logger = createLogger({ level: config.log.level, name: 'heyyo' });
const SHUTDOWN_GRACE_MS = 15_000;

try {
  const node = await startNode(config, logger);
  let stopping = false;
  const shutdown = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    // A stuck connection must not keep a terminating pod alive forever.
    setTimeout(() => {
      logger.error('shutdown took too long, exiting');
      process.exit(1);
    }, SHUTDOWN_GRACE_MS).unref();
    node.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', shutdown);
  process.on('SIGINT', shutdown);
} catch (error) {
  logger.fatal({ err: error }, 'Heyyo failed to start');
  process.exit(1);
}
