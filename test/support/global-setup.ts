import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import postgres from 'postgres';
import type { TestProject } from 'vitest/node';
import { runMigrations } from '@heyyo/database';
import { deleteKeys } from './resources.ts';
import { databaseUrl, embeddedTestServices, MEMORY_PROJECT, resolveTestServices } from './services.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    postgresUrl: string;
    /** Empty in the memory project, which runs without Redis. */
    redisUrl: string;
    /** Migrated once; each test file clones it. */
    templateDatabase: string;
    /** Prefix of every database and Redis key this run creates. */
    runId: string;
  }
}

/** Migrates a template database once per run; teardown drops what this run created. */
export default async function setup(project: TestProject) {
  // The memory project runs the suites as `npm start` does on a machine with only Node:
  // embedded Postgres, memory engine (the files' config forces it, see resources.ts).
  const services = project.name === MEMORY_PROJECT ? await embeddedTestServices() : await resolveTestServices();
  const runId = `heyyo_t${randomBytes(4).toString('hex')}`;
  const templateDatabase = `${runId}_template`;
  const admin = postgres(services.postgresUrl, { max: 1, onnotice: () => {} });
  await admin`create database ${admin(templateDatabase)}`;
  await runMigrations(databaseUrl(services.postgresUrl, templateDatabase));

  project.provide('postgresUrl', services.postgresUrl);
  project.provide('redisUrl', services.redisUrl);
  project.provide('templateDatabase', templateDatabase);
  project.provide('runId', runId);

  return async () => {
    // Files drop their own databases; this catches any a crashed file left behind.
    const leftovers = await admin`select datname from pg_database where datname like ${`${runId}%`}`;
    for (const { datname } of leftovers) {
      await admin`drop database if exists ${admin(datname)} with (force)`;
    }
    await admin.end();
    // Likewise every Redis key under this run's prefix.
    if (services.redisUrl) {
      const redis = new Redis(services.redisUrl);
      await deleteKeys(redis, runId);
      await redis.quit();
    }
    await services.stop();
  };
}
