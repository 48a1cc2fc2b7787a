import { WEBHOOK_EVENT_DATA, WEBHOOK_EVENT_TYPES, type WebhookEventType } from '@heyyo/contracts';

const SUMMARIES: Record<WebhookEventType, string> = {
  'message.new': 'A message was stored',
  'message.updated': 'A message was edited, or one of its replies deleted',
  'message.deleted': 'A message was deleted',
  'reaction.new': 'A reaction was applied',
  'reaction.deleted': 'A reaction was removed',
  'member.joined': 'A user joined a channel, or was added',
  'member.left': 'A member left a channel',
  'member.removed': 'A member was removed from a channel',
  'channel.created': 'A channel was created',
  'channel.updated': "A channel's name, description, metadata or slow mode changed",
  'channel.deleted': 'A channel was deleted',
  'user.deleted': 'A user was deactivated, or erased',
};

/**
 * The OpenAPI 3.1 `webhooks` of the document: the POST each event type makes to an endpoint, its
 * body `{ id, type, created_at, app_id, data }` with `data` typed (docs/webhooks.md).
 */
export const webhooksOpenApi = Object.fromEntries(
  WEBHOOK_EVENT_TYPES.map((type) => [
    type,
    {
      post: {
        summary: SUMMARIES[type],
        description:
          "POSTed to the app's endpoints that take this type. Verify `Heyyo-Signature` (HMAC-SHA256 of `<t>.<raw body>` with the " +
          "endpoint's secret; refuse a `t` over 5 minutes old) and answer 2xx within 10 s; anything else is retried for 24 h.",
        tags: ['Webhooks'],
        parameters: [
          {
            name: 'Heyyo-Signature',
            in: 'header',
            required: true,
            schema: { type: 'string', examples: ['t=1769860800,v1=5257a869e7ecebeda32affa62cdca3fa51cad7e77a0e56ff536d0ce8e108d8bd'] },
          },
          { name: 'Heyyo-Event-Id', in: 'header', required: true, schema: { type: 'string', format: 'uuid' } },
          { name: 'Heyyo-Delivery-Id', in: 'header', required: true, schema: { type: 'string', format: 'uuid' } },
        ],
        requestBody: {
          required: true,
          content: {
            'application/json': {
              schema: {
                type: 'object',
                additionalProperties: false,
                required: ['id', 'type', 'created_at', 'app_id', 'data'],
                properties: {
                  id: { type: 'string', format: 'uuid', description: 'The event: the same in every delivery of it.' },
                  type: { type: 'string', const: type },
                  created_at: { type: 'string', format: 'date-time' },
                  app_id: { type: 'string', format: 'uuid' },
                  data: WEBHOOK_EVENT_DATA[type],
                },
              },
            },
          },
        },
        responses: {
          '2XX': { description: 'Delivered.' },
          default: { description: 'Not delivered: retried with backoff for 24 h, then kept as failed.' },
        },
      },
    },
  ]),
);
