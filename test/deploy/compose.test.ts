import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

interface ComposeService {
  build?: { context: string; dockerfile: string };
  image?: string;
  command?: string[];
  environment?: Record<string, string>;
  depends_on?: Record<string, { condition: string }>;
  healthcheck?: unknown;
  volumes?: string[];
  ports?: string[];
}

/**
 * docker-compose.yml cannot be started here (no Docker engine); this checks what a typo would
 * break: the services, their roles, the start order and healthchecks, the load balancer's wiring.
 */
describe('docker-compose.yml', () => {
  const compose = parse(readFileSync(`${ROOT}docker-compose.yml`, 'utf8'), { merge: true }) as { services: Record<string, ComposeService> };
  const { services } = compose;
  const nodes = ['api-1', 'api-2', 'gateway-1', 'gateway-2', 'worker'];

  it('has Postgres, Redis, the migration, 2 API nodes, 2 gateways, a worker and the load balancer', () => {
    expect(Object.keys(services).sort()).toEqual(['api-1', 'api-2', 'gateway-1', 'gateway-2', 'lb', 'migrate', 'postgres', 'redis', 'worker'].sort());
  });

  it('runs Redis with noeviction and AOF, as BullMQ needs', () => {
    expect(services.redis!.command).toEqual(expect.arrayContaining(['--maxmemory-policy', 'noeviction', '--appendonly', 'yes']));
  });

  it('builds every node from infra/Dockerfile with its role, after the migration and a healthy Redis', () => {
    expect(existsSync(`${ROOT}infra/Dockerfile`)).toBe(true);
    expect(readFileSync(`${ROOT}infra/Dockerfile`, 'utf8')).toMatch(/^HEALTHCHECK [^\n]*\\\n\s+CMD .*\/health/m);
    for (const name of nodes) {
      const node = services[name]!;
      expect(node.build, name).toEqual({ context: '.', dockerfile: 'infra/Dockerfile' });
      expect(node.environment?.HEYYO_ROLES, name).toBe(name.replace(/-\d$/, ''));
      expect(node.environment?.NODE_ENV, name).toBe('production');
      expect(node.depends_on, name).toEqual({ migrate: { condition: 'service_completed_successfully' }, redis: { condition: 'service_healthy' } });
    }
    expect(services.migrate!.command).toEqual(['node', '--import', 'tsx', 'libs/database/src/migrate.cli.ts']);
    expect(services.migrate!.depends_on).toEqual({ postgres: { condition: 'service_healthy' } });
  });

  it('waits only on services that have a healthcheck (their own, or the image HEALTHCHECK)', () => {
    for (const [name, service] of Object.entries(services)) {
      for (const [dependency, { condition }] of Object.entries(service.depends_on ?? {})) {
        expect(services[dependency], `${name} → ${dependency}`).toBeDefined();
        if (condition === 'service_healthy') {
          expect(Boolean(services[dependency]!.healthcheck || services[dependency]!.build), `${name} → ${dependency}`).toBe(true);
        }
      }
    }
  });

  it('puts HAProxy with infra/haproxy.cfg on :8080 in front of the API nodes and gateways', () => {
    const lb = services.lb!;
    expect(lb.ports).toEqual(['8080:8080']);
    expect(lb.volumes).toEqual(['./infra/haproxy.cfg:/usr/local/etc/haproxy/haproxy.cfg:ro']);
    const config = readFileSync(`${ROOT}infra/haproxy.cfg`, 'utf8');
    for (const variable of [...config.matchAll(/\$\{(\w+)\}/g)].map((match) => match[1]!)) {
      expect(lb.environment?.[variable], variable).toBeDefined();
    }
    expect(lb.environment).toMatchObject({ HEYYO_API_1: 'api-1:4000', HEYYO_API_2: 'api-2:4000', HEYYO_GATEWAY_1: 'gateway-1:4000', HEYYO_GATEWAY_2: 'gateway-2:4000' });
    expect(Object.keys(lb.depends_on ?? {}).sort()).toEqual(['api-1', 'api-2', 'gateway-1', 'gateway-2']);
  });
});
