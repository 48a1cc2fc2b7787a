import type { SwaggerOptions } from '@fastify/swagger';
import { webhooksOpenApi } from './webhooks-openapi.ts';

const DESCRIPTION = `Heyyo is a multi-tenant chat backend. A tenant (application) gets an \`api_key\` and an
\`api_secret\`; its backend trades them and its own user id for a short-lived user JWT
(\`POST /api/auth/token\`); clients use that one token for REST (\`Authorization: Bearer\`) and
Socket.IO (\`auth: { token }\`). The real-time events are described by the AsyncAPI document at
[/asyncapi.json](/asyncapi.json).

Every error is \`{ "error": "human readable", "code": "HEYYO_ERR_…" }\`; branch on \`code\`.
500s carry an \`errorId\` that is in the server log too.`;

/** The OpenAPI 3.1 frame @fastify/swagger fills with every route's schema. */
export function openApiOptions(version: string): SwaggerOptions {
  return {
    openapi: {
      openapi: '3.1.0',
      info: { title: 'Heyyo REST API', version, description: DESCRIPTION, license: { name: 'MIT', identifier: 'MIT' } },
      tags: [
        { name: 'Auth', description: 'Trade app credentials for a user token (from your backend).' },
        { name: 'Channels', description: 'Channels, membership and read state (user token).' },
        { name: 'Moderation', description: 'Channel bans and mutes (moderators, owners, app admins; user token).' },
        { name: 'Messages', description: 'History, sending and deleting (user token).' },
        { name: 'Reactions', description: 'Reactions, applied by the worker and announced in real time (user token).' },
        { name: 'Users', description: 'Server-side user management (X-API-Key + X-API-Secret).' },
        { name: 'Webhooks', description: "The app's events POSTed to its endpoints, signed (X-API-Key + X-API-Secret; docs/webhooks.md)." },
        { name: 'Apps', description: 'Tenants (admin token).' },
        { name: 'Operations', description: 'Probes and metrics.' },
        {
          name: 'Demo',
          description: 'The demo chat page served at `/`: on development nodes only (never with NODE_ENV=production).',
        },
      ],
      // Plain JSON Schema (TypeBox's), which openapi-types' narrower schema type does not describe.
      webhooks: webhooksOpenApi as never,
      components: {
        securitySchemes: {
          adminToken: {
            type: 'http',
            scheme: 'bearer',
            description: 'The operator\'s HEYYO_ADMIN_TOKEN.',
          },
          userToken: {
            type: 'http',
            scheme: 'bearer',
            bearerFormat: 'JWT',
            description: 'A user JWT from POST /api/auth/token.',
          },
          apiKey: { type: 'apiKey', in: 'header', name: 'X-API-Key', description: "The app's api_key (server side only)." },
          apiSecret: {
            type: 'apiKey',
            in: 'header',
            name: 'X-API-Secret',
            description: "The app's api_secret (server side only, never in a browser).",
          },
        },
      },
    },
  };
}
