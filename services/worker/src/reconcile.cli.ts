/**
 * `npm run reconcile [-- --dry-run]`: recomputes every counter from the rows,
 * reports how many differ (drift), and fixes them unless --dry-run.
 */
import { loadConfig } from '@heyyo/config';
import { createCountersRepository, createDb } from '@heyyo/database';

const dryRun = process.argv.includes('--dry-run');
const config = loadConfig();
const database = createDb({ url: config.database.url, poolMax: 1 });
try {
  const drift = await createCountersRepository(database.db).reconcile(!dryRun);
  const total = drift.channels + drift.messages;
  process.stdout.write(
    [
      `channels (message_count, member_count, last_message_at) drift: ${drift.channels}`,
      `messages (reaction_counts) drift: ${drift.messages}`,
      `total drift: ${total}${total > 0 ? (dryRun ? ' (not fixed: --dry-run)' : ' (fixed)') : ''}`,
      '',
    ].join('\n'),
  );
} finally {
  await database.close();
}
