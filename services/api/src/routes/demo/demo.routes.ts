import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { DemoSessionRequest, DemoSessionResponse } from '@heyyo/contracts';
import type { DemoService } from '@heyyo/chat';
import { documented } from '../route-docs.ts';

/** Sessions one client IP may start per rate-limit window: enough for a few tabs, not for mass-creating users. */
export const DEMO_SESSIONS_PER_IP = 20;

export interface DemoRoutesOptions {
  demo: DemoService;
  /** The window of DEMO_SESSIONS_PER_IP (HEYYO_RATE_LIMIT_WINDOW_MS). */
  windowMs: number;
}

/** `POST /demo/session`: registered on development nodes only (config.demo.sessions). */
export const demoRoutes: FastifyPluginAsyncTypebox<DemoRoutesOptions> = async (app, { demo, windowMs }) => {
  // At registration, so at the node's start: the demo app and `general` exist before the first session.
  const space = await demo.prepare();
  app.log.info({ appId: space.appId, channelId: space.channelId }, 'demo sessions are open: POST /demo/session (development only)');

  app.post(
    '/demo/session',
    {
      schema: documented(
        {
          summary: 'Start a demo session',
          description:
            'Exists only on development nodes serving the demo page (HEYYO_DEMO, never with NODE_ENV=production). ' +
            'Creates a new user of the demo app with the display name given, adds them to the demo channel ' +
            '`general` (its members get `member.joined`) and returns a user token for them, as `POST /api/auth/token` ' +
            `would (default lifetime). At most ${DEMO_SESSIONS_PER_IP} sessions per client IP per rate-limit window.`,
          tag: 'Demo',
          auth: 'none',
        },
        { body: DemoSessionRequest, response: { 201: DemoSessionResponse } },
      ),
      // An open route that creates users: a small budget per IP, in place of the global one.
      config: { rateLimit: { max: DEMO_SESSIONS_PER_IP, timeWindow: windowMs, keyGenerator: (request) => `demo:${request.ip}` } },
    },
    async (request, reply) => reply.status(201).send(await demo.startSession(space, request.body.display_name)),
  );
};
