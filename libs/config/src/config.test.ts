import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.ts';

const KEY = 'k1:0123456789abcdef0123456789abcdef';
const dataDir = () => mkdtempSync(join(tmpdir(), 'heyyo-config-'));

function problemsOf(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error('loadConfig accepted the environment');
}

describe('loadConfig', () => {
  it('has working local defaults', () => {
    const config = loadConfig({ HEYYO_DATA_DIR: dataDir() });
    expect(config.env).toBe('development');
    expect(config.http.port).toBe(4000);
    expect(config.database.url).toBe('postgres://postgres@127.0.0.1:5432/heyyo');
    expect(config.database.createIfMissing).toBe(true);
    expect(config.redis.url).toBe('redis://127.0.0.1:6379');
    expect(config.roles).toEqual(['api', 'gateway', 'worker']);
    expect(config.realtime.heartbeatMs).toBeLessThan(config.realtime.presenceTtlMs);
    expect(config.auth.tokenTtlSeconds).toBe(3600);
    expect(config.limits.messageTextLength).toBe(4000);
  });

  it('generates one development JWT key per data folder and reuses it', () => {
    const dir = dataDir();
    const first = loadConfig({ HEYYO_DATA_DIR: dir });
    const second = loadConfig({ HEYYO_DATA_DIR: dir });
    expect(first.auth.usingDevJwtKey).toBe(true);
    expect(first.auth.jwtKeys).toEqual(second.auth.jwtKeys);
    expect(first.auth.jwtKeys[0]!.secret).toBe(readFileSync(join(dir, 'dev-jwt-key'), 'utf8'));
    expect(first.auth.jwtKeys[0]!.secret.length).toBeGreaterThanOrEqual(32);
  });

  it('parses JWT keys in rotation order', () => {
    const config = loadConfig({ HEYYO_JWT_KEYS: `${KEY}, k0:${'x'.repeat(40)}`, HEYYO_DATA_DIR: dataDir() });
    expect(config.auth.jwtKeys.map((key) => key.kid)).toEqual(['k1', 'k0']);
    expect(config.auth.usingDevJwtKey).toBe(false);
  });

  it('names every bad variable at once', () => {
    const problems = problemsOf({
      PORT: 'eighty',
      DATABASE_URL: 'mysql://localhost/x',
      REDIS_URL: 'not a url',
      HEYYO_ROLES: 'api,chef',
      HEYYO_TOKEN_TTL_SECONDS: '5',
      LOG_LEVEL: 'loud',
      HEYYO_JWT_KEYS: 'k1:short',
    });
    expect(problems).toHaveLength(7);
    for (const name of ['PORT', 'DATABASE_URL', 'REDIS_URL', 'HEYYO_ROLES', 'HEYYO_TOKEN_TTL_SECONDS', 'LOG_LEVEL', 'HEYYO_JWT_KEYS']) {
      expect(problems.some((problem) => problem.startsWith(name))).toBe(true);
    }
  });

  it('reads the failed-credential limits, with defaults and ranges', () => {
    const defaults = loadConfig({ HEYYO_DATA_DIR: dataDir() });
    expect(defaults.auth).toMatchObject({ failuresPerIp: 50, failuresPerKey: 20, failureWindowMs: 60_000 });
    const set = loadConfig({
      HEYYO_DATA_DIR: dataDir(),
      HEYYO_AUTH_FAILURES_PER_IP: '7',
      HEYYO_AUTH_FAILURES_PER_KEY: '3',
      HEYYO_AUTH_FAILURE_WINDOW_MS: '5000',
    });
    expect(set.auth).toMatchObject({ failuresPerIp: 7, failuresPerKey: 3, failureWindowMs: 5000 });
    const problems = problemsOf({
      HEYYO_DATA_DIR: dataDir(),
      HEYYO_AUTH_FAILURES_PER_IP: '0',
      HEYYO_AUTH_FAILURES_PER_KEY: 'many',
      HEYYO_AUTH_FAILURE_WINDOW_MS: '999',
    });
    expect(problems).toEqual([
      'HEYYO_AUTH_FAILURES_PER_IP must be an integer from 1 to 10000000 (got "0")',
      'HEYYO_AUTH_FAILURES_PER_KEY must be an integer from 1 to 10000000 (got "many")',
      'HEYYO_AUTH_FAILURE_WINDOW_MS must be an integer from 1000 to 3600000 (got "999")',
    ]);
  });

  it('reads the Redis deadlines: every command, and the shorter wait of the fail-open limiters', () => {
    expect(loadConfig({ HEYYO_DATA_DIR: dataDir() }).redis).toMatchObject({ deadlineMs: 1000, limiterDeadlineMs: 250 });
    const set = loadConfig({ HEYYO_DATA_DIR: dataDir(), HEYYO_REDIS_DEADLINE_MS: '400', HEYYO_LIMITER_DEADLINE_MS: '80' });
    expect(set.redis).toMatchObject({ deadlineMs: 400, limiterDeadlineMs: 80 });
    expect(problemsOf({ HEYYO_DATA_DIR: dataDir(), HEYYO_LIMITER_DEADLINE_MS: '5' })).toEqual([
      'HEYYO_LIMITER_DEADLINE_MS must be an integer from 10 to 60000 (got "5")',
    ]);
  });

  it('reads the webhook settings: a 10 s timeout, 24 h of retries, internal addresses allowed only outside production', () => {
    const development = loadConfig({ HEYYO_DATA_DIR: dataDir() });
    expect(development.webhooks).toEqual({
      allowPrivate: true,
      timeoutMs: 10_000,
      concurrency: 16,
      retryWindowMs: 86_400_000,
      backoffMs: 10_000,
      backoffMaxMs: 3_600_000,
      pollMs: 500,
      maxEndpointsPerApp: 10,
    });
    const production = { NODE_ENV: 'production', HEYYO_ADMIN_TOKEN: 'a'.repeat(32), HEYYO_JWT_KEYS: KEY, HEYYO_DATA_DIR: dataDir() };
    expect(loadConfig(production).webhooks.allowPrivate).toBe(false);
    expect(loadConfig({ ...production, HEYYO_WEBHOOK_ALLOW_PRIVATE: '1' }).webhooks.allowPrivate).toBe(true);
    expect(loadConfig({ HEYYO_DATA_DIR: dataDir(), HEYYO_WEBHOOK_ALLOW_PRIVATE: '0', HEYYO_WEBHOOK_TIMEOUT_MS: '2500' }).webhooks).toMatchObject({
      allowPrivate: false,
      timeoutMs: 2500,
    });
    expect(problemsOf({ HEYYO_DATA_DIR: dataDir(), HEYYO_WEBHOOK_TIMEOUT_MS: '200000', HEYYO_WEBHOOK_MAX_ENDPOINTS: '0' })).toEqual([
      'HEYYO_WEBHOOK_TIMEOUT_MS must be an integer from 100 to 120000 (got "200000")',
      'HEYYO_WEBHOOK_MAX_ENDPOINTS must be an integer from 1 to 1000 (got "0")',
    ]);
  });

  it('refuses a heartbeat that is not below the presence TTL', () => {
    expect(problemsOf({ HEYYO_PRESENCE_TTL_MS: '5000', HEYYO_PRESENCE_HEARTBEAT_MS: '5000' })).toEqual([
      'HEYYO_PRESENCE_HEARTBEAT_MS must be below HEYYO_PRESENCE_TTL_MS',
    ]);
  });

  it('derives the shutdown grace from the drain and the close budget; reads the token refresh grace', () => {
    const defaults = loadConfig({ HEYYO_DATA_DIR: dataDir() });
    expect(defaults.shutdown).toEqual({ closeMs: 10_000, graceMs: 20_000 });
    expect(defaults.realtime.tokenRefreshGraceMs).toBe(30_000);
    const set = loadConfig({
      HEYYO_DATA_DIR: dataDir(),
      HEYYO_SHUTDOWN_DRAIN_MS: '20000',
      HEYYO_SHUTDOWN_CLOSE_MS: '3000',
      HEYYO_TOKEN_REFRESH_GRACE_MS: '0',
    });
    expect(set.shutdown).toEqual({ closeMs: 3000, graceMs: 23_000 });
    expect(set.realtime.tokenRefreshGraceMs).toBe(0);
    expect(problemsOf({ HEYYO_DATA_DIR: dataDir(), HEYYO_SHUTDOWN_CLOSE_MS: '500', HEYYO_TOKEN_REFRESH_GRACE_MS: '-1' })).toEqual([
      'HEYYO_TOKEN_REFRESH_GRACE_MS must be an integer from 0 to 600000 (got "-1")',
      'HEYYO_SHUTDOWN_CLOSE_MS must be an integer from 1000 to 120000 (got "500")',
    ]);
  });

  it('refuses production without an admin token and JWT keys', () => {
    const problems = problemsOf({ NODE_ENV: 'production' });
    expect(problems).toEqual([
      expect.stringContaining('HEYYO_ADMIN_TOKEN is required'),
      expect.stringContaining('HEYYO_JWT_KEYS is required'),
    ]);
  });

  it('starts in production with both set, and does not create databases there', () => {
    const config = loadConfig({ NODE_ENV: 'production', HEYYO_ADMIN_TOKEN: 'a'.repeat(32), HEYYO_JWT_KEYS: KEY });
    expect(config.database.createIfMissing).toBe(false);
  });

  it('refuses a short admin token and duplicate kids', () => {
    expect(problemsOf({ HEYYO_ADMIN_TOKEN: 'short', HEYYO_JWT_KEYS: `${KEY},${KEY}` })).toEqual([
      'HEYYO_ADMIN_TOKEN must be at least 16 characters',
      'HEYYO_JWT_KEYS has kid "k1" twice',
    ]);
  });

  it('serves the demo page in development only by default, from libs/react/demo/dist whatever the working directory', () => {
    const production = { NODE_ENV: 'production', HEYYO_ADMIN_TOKEN: 'a'.repeat(32), HEYYO_JWT_KEYS: KEY };
    const development = loadConfig({ HEYYO_DATA_DIR: dataDir() });
    expect(development.demo).toEqual({
      enabled: true,
      dir: fileURLToPath(new URL('../../react/demo/dist', import.meta.url)),
      sessions: true,
    });
    expect(development.demo.dir).toMatch(/\/libs\/react\/demo\/dist$/);
    expect(loadConfig({ HEYYO_DATA_DIR: dataDir(), NODE_ENV: 'test' }).demo).toMatchObject({ enabled: false, sessions: false });
    expect(loadConfig(production).demo).toMatchObject({ enabled: false, sessions: false });
    const cwd = process.cwd();
    try {
      process.chdir(tmpdir());
      expect(loadConfig({ HEYYO_DATA_DIR: dataDir() }).demo.dir).toBe(development.demo.dir);
    } finally {
      process.chdir(cwd);
    }
  });

  it('turns the demo on or off by HEYYO_DEMO, and never opens demo sessions in production', () => {
    const production = { NODE_ENV: 'production', HEYYO_ADMIN_TOKEN: 'a'.repeat(32), HEYYO_JWT_KEYS: KEY };
    expect(loadConfig({ ...production, HEYYO_DEMO: '1', HEYYO_DEMO_DIR: '/srv/demo' }).demo).toEqual({
      enabled: true,
      dir: '/srv/demo',
      sessions: false,
    });
    expect(loadConfig({ HEYYO_DATA_DIR: dataDir(), NODE_ENV: 'test', HEYYO_DEMO: 'true' }).demo).toMatchObject({ enabled: true, sessions: true });
    expect(loadConfig({ HEYYO_DATA_DIR: dataDir(), HEYYO_DEMO: '0' }).demo).toMatchObject({ enabled: false, sessions: false });
    expect(loadConfig({ HEYYO_DATA_DIR: dataDir(), HEYYO_DEMO_DIR: 'relative/dist' }).demo.dir).toBe(join(process.cwd(), 'relative/dist'));
    expect(problemsOf({ HEYYO_DATA_DIR: dataDir(), HEYYO_DEMO: 'maybe' })).toEqual(['HEYYO_DEMO must be true or false (got "maybe")']);
  });

  it('returns a frozen config', () => {
    const config = loadConfig({ HEYYO_JWT_KEYS: KEY });
    expect(Object.isFrozen(config.limits)).toBe(true);
    expect(() => {
      (config.http as { port: number }).port = 1;
    }).toThrow(TypeError);
  });
});
