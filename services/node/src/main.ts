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
/**
 * node.stop() bounds each of its steps (drain + close = config.shutdown.graceMs); this backstop
 * fires only if something ignores those bounds (a blocked event loop). The Helm chart's
 * terminationGracePeriodSeconds leaves room for it.
 */
const SHUTDOWN_BACKSTOP_MS = 1000;

try {
  const node = await startNode(config, logger);
  let stopping = false;
  const shutdown = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    const { drainMs } = config.realtime;
    const { closeMs, graceMs } = config.shutdown;
    logger.info({ signal, drainMs, closeMs, graceMs }, 'shutting down');
    // A stuck connection must not keep a terminating pod alive forever.
    setTimeout(() => {
      logger.error({ graceMs }, 'shutdown took too long, exiting');
      process.exit(1);
    }, graceMs + SHUTDOWN_BACKSTOP_MS).unref();
    // Within its grace, shutdown is orderly (exit 0) even when a stalled dependency had to be
    // abandoned (logged); a step that threw is a failure (exit 1).
    node.stop().then(
      (report) => process.exit(report.failed.length > 0 ? 1 : 0),
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
