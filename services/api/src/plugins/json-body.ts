import type { FastifyInstance } from 'fastify';

/**
 * JSON is the only body type (anything else is a 415), with one relaxation: an
 * empty body is "no body". Clients often send `Content-Type: application/json`
 * on bodiless POSTs such as /join. Prototype-poisoning keys are rejected by
 * Fastify's own parser.
 */
export function registerJsonBodyParser(app: FastifyInstance): void {
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    if (typeof body === 'string' && body.trim() === '') return done(null, undefined);
    parseJson(request, body.toString(), done);
  });
}
