/** Which projects `vitest run` may leave out (vitest.config.ts), with fake environments and probes. */
import { describe, expect, it } from 'vitest';
import { decideServiceProjects, isCi, type ServicesProbe } from './services.ts';

const everything: ServicesProbe = { postgres: true, redis: true, docker: false };
const nothing: ServicesProbe = { postgres: false, redis: false, docker: false };
const noRedis: ServicesProbe = { postgres: true, redis: false, docker: false };
const noPostgres: ServicesProbe = { postgres: false, redis: true, docker: false };
const onlyDocker: ServicesProbe = { postgres: false, redis: false, docker: true };

describe('isCi', () => {
  it.each(['true', 'TRUE', '1', 'yes', 'woodpecker', ' true '])('CI=%j is CI', (value) => {
    expect(isCi({ CI: value })).toBe(true);
  });

  it.each([undefined, '', '0', 'false', 'False', 'no', 'off', ' '])('CI=%j is not CI', (value) => {
    expect(isCi(value === undefined ? {} : { CI: value })).toBe(false);
  });
});

describe('decideServiceProjects', () => {
  it('runs every project when both services are there, in CI or not', () => {
    expect(decideServiceProjects({}, everything)).toEqual({ run: 'all' });
    expect(decideServiceProjects({ CI: 'true' }, everything)).toEqual({ run: 'all' });
  });

  it('runs every project when a Docker engine can start the missing services', () => {
    expect(decideServiceProjects({ CI: 'true' }, onlyDocker)).toEqual({ run: 'all' });
    expect(decideServiceProjects({}, { ...noRedis, docker: true })).toEqual({ run: 'all' });
  });

  it('on a developer machine without them, leaves integration and cluster out with a notice', () => {
    for (const env of [{}, { CI: 'false' }, { CI: '' }]) {
      const decision = decideServiceProjects(env, nothing);
      expect(decision.run).toBe('without-services');
      if (decision.run !== 'without-services') return;
      expect(decision.notice).toMatch(/'integration' and 'cluster'/);
      expect(decision.notice).toMatch(/no Postgres .* and no Redis/);
    }
  });

  it('in CI without them, fails and names the projects and what is missing', () => {
    for (const ci of ['true', '1']) {
      const decision = decideServiceProjects({ CI: ci }, nothing);
      expect(decision.run).toBe('fail');
      if (decision.run !== 'fail') return;
      expect(decision.error).toContain(`CI=${ci}`);
      expect(decision.error).toMatch(/'integration' and 'cluster' projects cannot run/);
      expect(decision.error).toMatch(/no Postgres .* and no Redis/);
      expect(decision.error).toMatch(/no Docker engine/);
    }
  });

  it('names only the missing service', () => {
    const withoutRedis = decideServiceProjects({ CI: 'true' }, noRedis);
    expect(withoutRedis).toEqual({ run: 'fail', error: expect.stringMatching(/no Redis \(TEST_REDIS_URL unset/) });
    expect(withoutRedis.run === 'fail' && withoutRedis.error).not.toMatch(/Postgres \(/);

    const withoutPostgres = decideServiceProjects({ CI: 'true' }, noPostgres);
    expect(withoutPostgres).toEqual({ run: 'fail', error: expect.stringMatching(/no Postgres \(TEST_DATABASE_URL unset/) });
    expect(withoutPostgres.run === 'fail' && withoutPostgres.error).not.toMatch(/Redis \(/);
  });
});
