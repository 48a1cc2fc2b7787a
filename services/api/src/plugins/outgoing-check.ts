import type { FastifyInstance } from 'fastify';
import { checkShape, compileValidator, type Validator } from '@heyyo/contracts/validation';

/**
 * Checks every success response against its route's response schema before Fastify's
 * serializer runs, which would silently drop a field the schema lacks. On for tests
 * (`checkOutgoingShapes`): a handler that returns an undeclared field answers 500 and
 * the test that called it fails, naming the field.
 */
export function registerOutgoingCheck(app: FastifyInstance): void {
  const validators = new WeakMap<object, Validator>();
  app.addHook('preSerialization', async (request, reply, payload) => {
    const responses = request.routeOptions.schema?.response as Record<string, object> | undefined;
    if (!responses || reply.statusCode >= 400) return payload;
    const route = `${request.method} ${request.routeOptions.url}`;
    const schema = responses[reply.statusCode];
    if (!schema) throw new Error(`${route} answered ${reply.statusCode}, which its schema does not declare`);
    let validate = validators.get(schema);
    if (!validate) validators.set(schema, (validate = compileValidator(schema, 'response')));
    const drift = checkShape(validate, payload, 'response');
    if (drift) throw new Error(`${route} ${reply.statusCode} does not match its contract: ${drift}`);
    return payload;
  });
}
