import { access } from 'node:fs/promises';
import { join } from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyPluginAsync } from 'fastify';

export interface DemoPageOptions {
  /** The built page: index.html and its hashed assets/ (HEYYO_DEMO_DIR). */
  dir: string;
}

const NOT_BUILT = 'The demo page is not built: run npm run build';

/** A same-origin single-page app: its own scripts and styles (React sets inline styles), Socket.IO to this host, avatars from anywhere. */
const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "connect-src 'self' ws: wss:",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: https:",
  "object-src 'none'",
  "base-uri 'self'",
  "frame-ancestors 'none'",
].join('; ');

const exists = (path: string) => access(path).then(
  () => true,
  () => false,
);

/**
 * The demo chat page: index.html at `/` (never cached without revalidating) and its hashed
 * `/assets/*` (cached for a year). Nothing else, so no API, probe or docs path is shadowed.
 */
export const demoPageRoutes: FastifyPluginAsync<DemoPageOptions> = async (app, { dir }) => {
  const indexFile = join(dir, 'index.html');
  if (!(await exists(indexFile))) app.log.warn({ dir }, `${NOT_BUILT} (HEYYO_DEMO_DIR has no index.html); GET / answers 503 until it does`);

  // This plugin's routes only: the page's responses.
  app.addHook('onSend', async (_request, reply) => {
    reply.header('content-security-policy', CONTENT_SECURITY_POLICY);
    reply.header('x-content-type-options', 'nosniff');
  });

  await app.register(fastifyStatic, {
    root: join(dir, 'assets'),
    prefix: '/assets/',
    // Vite puts a content hash in every asset's name: a new build is a new URL.
    immutable: true,
    maxAge: '365d',
    index: false,
    // A page built after the node started is served without a restart; its absence is warned about above.
    suppressWarning: true,
  });

  app.get('/', { schema: { hide: true } }, async (_request, reply) => {
    // Checked on every request, for the same reason.
    if (!(await exists(indexFile))) return reply.status(503).send({ error: NOT_BUILT });
    // Revalidated each time (its ETag): it names the current build's assets.
    return reply.header('cache-control', 'no-cache').sendFile('index.html', dir, { cacheControl: false });
  });
};
