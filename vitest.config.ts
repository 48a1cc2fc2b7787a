import { defineConfig } from 'vitest/config';
import { decideServiceProjects, probeTestServices } from './test/support/services.ts';

/*
 * The Postgres + Redis suites need both servers. On a machine with only Node, `npm test`
 * runs what needs neither: the unit tests and the suites on embedded Postgres + the memory
 * engine — and says so. In CI (CI set) that would silently run less: the run fails instead.
 */
const decision = decideServiceProjects(process.env, await probeTestServices());
if (decision.run === 'fail') throw new Error(decision.error);
if (decision.run === 'without-services') process.stderr.write(`${decision.notice}\n`);
const withServices = decision.run === 'all';

/**
 * Integration files that test Redis itself (its keys, its outage) or the Redis side of a contract
 * suite (the memory side runs in 'unit'), not behaviour through it: the 'memory' project skips them.
 */
const REDIS_ONLY = [
  // Reads presence's Redis keys; what clients see (presence.test.ts) runs on both engines.
  'test/integration/presence-redis.test.ts',
  // The invalidation bus's Redis side; the memory engine's bus is in-process calls (channel-leave.test.ts runs on both).
  'test/integration/invalidation-bus.test.ts',
  // The contract suites (test/contracts) on the Redis implementations; the memory ones run them in 'unit'.
  'test/integration/presence-store-contract.test.ts',
  'test/integration/job-queue-contract.test.ts',
  // A stalled Redis behind a proxy: the memory engine has none.
  'test/integration/readiness-deadline.test.ts',
  // Postgres and Redis behind proxies the test breaks; the memory engine has no Redis to lose.
  'test/integration/dependency-outage.test.ts',
];

/**
 * Vitest runs one file at a time on 2 cores by default (cores − 1 workers). The suites of one
 * process run two files at once; the cluster files, each starting several processes, run after
 * them one at a time.
 */
const PARALLEL_FILES = { maxWorkers: 2, sequence: { groupOrder: 0 } };

const integration = {
  test: {
    name: 'integration',
    include: ['test/integration/**/*.test.ts'],
    ...PARALLEL_FILES,
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
    maxWorkers: 1,
    sequence: { groupOrder: 1 },
  },
};

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          ...PARALLEL_FILES,
          // test/support/*.test.ts: the harness's own logic (which projects run). The contract suites in
          // test/contracts/*.contract.ts are not test files: each runs through a runner per implementation.
          include: ['libs/*/src/**/*.test.ts', 'libs/react/src/**/*.test.tsx', 'services/*/src/**/*.test.ts', 'test/support/**/*.test.ts'],
        },
      },
      {
        test: {
          // The Helm chart with the real helm binary; needs no Postgres or Redis.
          name: 'deploy',
          ...PARALLEL_FILES,
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
          ...PARALLEL_FILES,
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
