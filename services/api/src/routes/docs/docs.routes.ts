import swaggerUi from '@fastify/swagger-ui';
import type { FastifyPluginAsync } from 'fastify';
import { asyncApiDocument } from '../../docs/asyncapi.ts';

/**
 * The machine-readable contract and its reader: `/openapi.json` (REST, from every route's
 * schema), `/asyncapi.json` (Socket.IO, from the contract's event schemas) and `/docs`
 * (Swagger UI, served from the package: no CDN).
 */
export const docsRoutes: FastifyPluginAsync<{ version: string }> = async (app, { version }) => {
  const asyncApi = asyncApiDocument(version);
  const hidden = { schema: { hide: true }, config: { rateLimit: false } };

  app.get('/openapi.json', hidden, async () => app.swagger());
  app.get('/asyncapi.json', hidden, async () => asyncApi);

  await app.register(swaggerUi, {
    routePrefix: '/docs',
    // Everything from this origin; Swagger UI sets a few inline styles, and renders data: images.
    staticCSP: "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; script-src 'self'; object-src 'none'",
    uiConfig: { docExpansion: 'list', deepLinking: true, defaultModelsExpandDepth: 0 },
  });
};
