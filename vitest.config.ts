import { defineConfig } from 'vitest/config';

/** Integration files that test Redis itself (its keys, its outage), not behaviour through it. */
const REDIS_ONLY = [
  // Reads presence's Redis keys; the memory store's semantics are unit-tested (memory-presence-store.test.ts).
  'test/integration/presence.test.ts',
];

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['libs/*/src/**/*.test.ts', 'services/*/src/**/*.test.ts'],
        },
      },
      {
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          globalSetup: ['test/support/global-setup.ts'],
          testTimeout: 20_000,
          hookTimeout: 60_000,
        },
      },
      {
        test: {
          // The same suites on embedded Postgres and the memory engine (no Redis), as `npm start`
          // runs on a machine with only Node. Files about Redis itself stay in 'integration'.
          name: 'memory',
          include: ['test/integration/**/*.test.ts'],
          exclude: REDIS_ONLY,
          globalSetup: ['test/support/global-setup.ts'],
          testTimeout: 20_000,
          hookTimeout: 60_000,
        },
      },
      {
        test: {
          name: 'cluster',
          include: ['test/cluster/**/*.test.ts'],
          globalSetup: ['test/support/global-setup.ts'],
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
    ],
  },
});
