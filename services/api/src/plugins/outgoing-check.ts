import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { checkShape, compileValidator, type Validator } from '@heyyo/contracts/validation';

/**
 * Checks every success response against its route's response schema before Fastify's
 * serializer runs, which would silently drop a field the schema lacks. On for tests
 * (`checkOutgoingShapes`): a handler that returns an undeclared field answers 500 and
 * the test that called it fails, naming the field.
 */
export function registerOutgoingCheck(app: FastifyInstance): void {
  const validators = new WeakMap<object, Validator>();
  const checked = new WeakSet<FastifyReply>();
  const check = (request: FastifyRequest, reply: FastifyReply, payload: unknown) => {
    const responses = request.routeOptions.schema?.response as Record<string, object> | undefined;
    if (!responses || reply.statusCode >= 400) return;
    const route = `${request.method} ${request.routeOptions.url}`;
    const schema = responses[reply.statusCode];
    if (!schema) throw new Error(`${route} answered ${reply.statusCode}, which its schema does not declare`);
    let validate = validators.get(schema);
    if (!validate) validators.set(schema, (validate = compileValidator(schema, 'response')));
    const drift = checkShape(validate, payload, 'response');
    if (drift) throw new Error(`${route} ${reply.statusCode} does not match its contract: ${drift}`);
  };
  app.addHook('preSerialization', async (request, reply, payload) => {
    check(request, reply, payload);
    checked.add(reply);
    return payload;
  });
  // A route that sends JSON it rendered itself (a string) skips preSerialization: check it here.
  app.addHook('onSend', async (request, reply, payload) => {
    if (!checked.has(reply) && typeof payload === 'string' && String(reply.getHeader('content-type')).includes('json')) {
      check(request, reply, JSON.parse(payload));
    }
    return payload;
  });
}
