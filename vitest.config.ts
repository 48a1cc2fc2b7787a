import { defineConfig } from 'vitest/config';
import { testServicesAvailable } from './test/support/services.ts';

/*
 * The Postgres + Redis suites need both servers. On a machine with only Node, `npm test`
 * runs what needs neither: the unit tests and the suites on embedded Postgres + the memory
 * engine — and says so.
 */
const withServices = await testServicesAvailable();
if (!withServices) {
  process.stderr.write(
    'npm test: no Postgres and Redis on 127.0.0.1 and no Docker engine — running the unit tests and the ' +
      "integration suites on embedded Postgres + the memory engine only; the 'integration' (Redis) and 'cluster' " +
      'projects need a Postgres and a Redis (see README).\n',
  );
}

/** Integration files that test Redis itself (its keys, its outage), not behaviour through it. */
const REDIS_ONLY = [
  // Reads presence's Redis keys; the memory store's semantics are unit-tested (memory-presence-store.test.ts).
  'test/integration/presence.test.ts',
];

const integration = {
  test: {
    name: 'integration',
    include: ['test/integration/**/*.test.ts'],
    globalSetup: ['test/support/global-setup.ts'],
    testTimeout: 20_000,
    hookTimeout: 60_000,
  },
};

const cluster = {
  test: {
    name: 'cluster',
    include: ['test/cluster/**/*.test.ts'],
    globalSetup: ['test/support/global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
};

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
          // The Helm chart with the real helm binary; needs no Postgres or Redis.
          name: 'deploy',
          include: ['test/deploy/**/*.test.ts'],
          testTimeout: 60_000,
        },
      },
      ...(withServices ? [integration] : []),
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
      ...(withServices ? [cluster] : []),
    ],
  },
});
