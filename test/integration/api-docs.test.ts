import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Parser } from '@asyncapi/parser';
import { Validator } from '@seriousme/openapi-schema-validator';
import { describe, expect, it } from 'vitest';
import { ClientEvents, ServerEvents } from '@heyyo/contracts';
import { useApiContext } from '../support/api-context.ts';
import { SEED_ENDPOINTS } from '../support/seed-endpoints.ts';

// The demo on (its page need not be built): POST /demo/session is documented like every route.
const ctx = useApiContext({ env: { HEYYO_DEMO: '1', HEYYO_DEMO_DIR: join(tmpdir(), 'heyyo-no-demo-page') } });

const HTTP_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'];
/** Routes that serve the documents themselves or the demo page, not the API. */
const DOCS_ROUTES = /^\/(openapi\.json|asyncapi\.json|docs)(\/|$)|^\/$/;

/**
 * Every (method, path) the Fastify app registered, read from its route tree
 * (`printRoutes`): the server's own word, not a list kept by hand.
 */
function registeredRoutes(tree: string): string[] {
  const routes: string[] = [];
  const stack: string[] = [];
  for (const line of tree.split('\n')) {
    const match = /^([│ ]*)[├└]── (\S+)(?: \(([^)]*)\))?/.exec(line);
    if (!match) continue;
    const depth = match[1]!.length / 4;
    stack.length = depth;
    const path = `${stack.join('')}${match[2]}`;
    stack.push(match[2]!);
    for (const method of (match[3] ?? '').split(', ')) {
      if (HTTP_METHODS.includes(method) && !path.includes('*') && !DOCS_ROUTES.test(path)) {
        routes.push(`${method} ${path.replace(/:(\w+)/g, '{$1}')}`);
      }
    }
  }
  return routes.sort();
}

async function openApi() {
  const response = await ctx.app.inject('/openapi.json');
  expect(response.statusCode).toBe(200);
  return response.json();
}

describe('GET /openapi.json', () => {
  it('is a valid OpenAPI 3.1 document', async () => {
    const document = await openApi();
    expect(document.openapi).toBe('3.1.0');
    const result = await new Validator().validate(document);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
  });

  it('lists every route the server registers, and nothing else', async () => {
    const document = await openApi();
    const documented = Object.entries(document.paths as Record<string, Record<string, unknown>>)
      .flatMap(([path, operations]) => Object.keys(operations).map((method) => `${method.toUpperCase()} ${path}`))
      .sort();
    const registered = registeredRoutes(ctx.app.printRoutes({ commonPrefix: false }));
    expect(registered.length).toBeGreaterThan(15);
    expect(documented).toEqual(registered);
  });

  it('lists every endpoint of the seed reference', async () => {
    const document = await openApi();
    for (const [method, path] of SEED_ENDPOINTS) {
      expect(document.paths[path]?.[method.toLowerCase()], `${method} ${path}`).toBeDefined();
    }
  });

  it('gives every operation a summary, a tag, its auth scheme and its error responses', async () => {
    const document = await openApi();
    const schemes = Object.keys(document.components.securitySchemes);
    expect(schemes.sort()).toEqual(['adminToken', 'apiKey', 'apiSecret', 'userToken']);
    for (const [path, operations] of Object.entries(document.paths as Record<string, Record<string, any>>)) {
      for (const [method, operation] of Object.entries(operations)) {
        const name = `${method.toUpperCase()} ${path}`;
        expect(operation.summary, name).toBeTruthy();
        expect(operation.tags, name).toHaveLength(1);
        expect(Array.isArray(operation.security), name).toBe(true);
        for (const requirement of operation.security) {
          for (const scheme of Object.keys(requirement)) expect(schemes, name).toContain(scheme);
        }
        expect(Object.keys(operation.responses), name).toContain('500');
        const errorSchema = operation.responses['500'].content['application/json'].schema;
        expect(errorSchema.required, name).toEqual(['error', 'code']);
        if (operation.requestBody) {
          const body = operation.requestBody.content['application/json'];
          expect(body.example ?? body.examples ?? body.schema.examples, `${name} has an example body`).toBeDefined();
        }
      }
    }
  });

  it('documents the auth each kind of route takes', async () => {
    const { paths } = await openApi();
    expect(paths['/api/apps'].post.security).toEqual([{ adminToken: [] }]);
    expect(paths['/api/auth/token'].post.security).toEqual([]);
    expect(paths['/api/users'].post.security).toEqual([{ apiKey: [], apiSecret: [] }]);
    expect(paths['/api/channels'].post.security).toEqual([{ userToken: [] }, { apiKey: [], apiSecret: [] }]);
    expect(paths['/api/channels/{id}/join'].post.security).toEqual([{ userToken: [] }]);
    expect(Object.keys(paths['/api/channels/{id}'].get.responses)).toEqual(
      expect.arrayContaining(['200', '400', '401', '403', '404', '429', '500']),
    );
  });
});

describe('GET /asyncapi.json', () => {
  async function asyncApi() {
    const response = await ctx.app.inject('/asyncapi.json');
    expect(response.statusCode).toBe(200);
    return response.json();
  }

  it('is a valid AsyncAPI 3 document', async () => {
    const diagnostics = await new Parser().validate(await asyncApi());
    // Severity 0 is an error; hints (e.g. "a newer AsyncAPI version exists") are fine.
    expect(diagnostics.filter((diagnostic) => diagnostic.severity === 0)).toEqual([]);
  });

  it('has an operation for every client and server event, with the ack as the reply', async () => {
    const { operations } = await asyncApi();
    for (const event of Object.keys(ClientEvents)) {
      expect(operations[`client.${event}`]?.action, event).toBe('receive');
      expect(operations[`client.${event}`]?.reply, event).toBeDefined();
    }
    for (const event of Object.keys(ServerEvents)) expect(operations[`server.${event}`]?.action, event).toBe('send');
    expect(Object.keys(operations)).toHaveLength(Object.keys(ClientEvents).length + Object.keys(ServerEvents).length);
  });

  it('is matched by docs/events.md, the readable catalogue', () => {
    const catalogue = readFileSync(new URL('../../docs/events.md', import.meta.url), 'utf8');
    for (const event of [...Object.keys(ClientEvents), ...Object.keys(ServerEvents)]) {
      expect(catalogue, event).toContain(`\`${event}\``);
    }
  });
});

describe('GET /docs', () => {
  it('serves the Swagger UI page and its assets from the package', async () => {
    const page = await ctx.app.inject('/docs/');
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toContain('text/html');
    const initializer = await ctx.app.inject('/docs/static/swagger-initializer.js');
    expect(initializer.statusCode).toBe(200);
  });
});
