import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import {
  Confirmation,
  CreateWebhookRequest,
  UpdateWebhookRequest,
  Webhook,
  WebhookDeliveriesQuery,
  WebhookDelivery,
  WebhookDeliveryParams,
  WebhookParams,
} from '@heyyo/contracts';
import type { WebhooksService } from '@heyyo/chat';
import { tenantOf } from '../../plugins/auth.ts';
import { documented } from '../route-docs.ts';

/**
 * A tenant's webhook endpoints and their deliveries (docs/webhooks.md): the app's events POSTed to
 * its URLs, signed with each endpoint's secret. Behind X-API-Key + X-API-Secret.
 */
export const webhooksRoutes: FastifyPluginAsyncTypebox<{ webhooks: WebhooksService }> = async (app, { webhooks }) => {
  app.post(
    '/api/webhooks',
    {
      schema: documented(
        {
          summary: 'Add a webhook endpoint',
          description:
            'From now on every event of the listed types (`*`: all) is POSTed to `url`, signed with the returned `secret` ' +
            '(`Heyyo-Signature`; see docs/webhooks.md). In production a URL whose host is or resolves to a loopback, private, ' +
            'link-local, unique-local or multicast address is refused (400) unless the operator allows it. 409 ' +
            '`HEYYO_ERR_WEBHOOK_LIMIT` past the endpoints an app may have (10 by default).',
          tag: 'Webhooks',
          auth: 'app',
          errors: [409],
        },
        { body: CreateWebhookRequest, response: { 201: Webhook } },
      ),
    },
    async (request, reply) => reply.status(201).send(await webhooks.create(tenantOf(request), request.body)),
  );

  app.get(
    '/api/webhooks',
    {
      schema: documented(
        { summary: "List the app's webhook endpoints", tag: 'Webhooks', auth: 'app' },
        { response: { 200: Type.Array(Webhook) } },
      ),
    },
    async (request) => webhooks.list(tenantOf(request)),
  );

  app.get(
    '/api/webhooks/:id',
    {
      schema: documented(
        { summary: 'Get a webhook endpoint', description: 'With its secret.', tag: 'Webhooks', auth: 'app', errors: [404] },
        { params: WebhookParams, response: { 200: Webhook } },
      ),
    },
    async (request) => webhooks.get(tenantOf(request), request.params.id),
  );

  app.patch(
    '/api/webhooks/:id',
    {
      schema: documented(
        {
          summary: 'Change a webhook endpoint',
          description:
            'Omitted fields stay. `enabled: false` stops recording and sending its events (pending deliveries wait, and fail ' +
            'once past their retry window); a new `url` gets the pending deliveries too.',
          tag: 'Webhooks',
          auth: 'app',
          errors: [404],
        },
        { params: WebhookParams, body: UpdateWebhookRequest, response: { 200: Webhook } },
      ),
    },
    async (request) => webhooks.update(tenantOf(request), request.params.id, request.body),
  );

  app.delete(
    '/api/webhooks/:id',
    {
      schema: documented(
        { summary: 'Delete a webhook endpoint', description: 'With its deliveries, pending ones included.', tag: 'Webhooks', auth: 'app', errors: [404] },
        { params: WebhookParams, response: { 200: Confirmation } },
      ),
    },
    async (request) => {
      await webhooks.delete(tenantOf(request), request.params.id);
      return { message: 'Webhook deleted' };
    },
  );

  app.get(
    '/api/webhooks/:id/deliveries',
    {
      schema: documented(
        {
          summary: "List a webhook endpoint's deliveries",
          description:
            'Newest first, each with its event, tries, last answer or error; `?status=failed` lists those given up (kept 30 ' +
            'days, for redelivery), `?before=<delivery id>` the next page. Delivered ones are kept 3 days.',
          tag: 'Webhooks',
          auth: 'app',
          errors: [404],
        },
        { params: WebhookParams, querystring: WebhookDeliveriesQuery, response: { 200: Type.Array(WebhookDelivery) } },
      ),
    },
    async (request) => webhooks.deliveries(tenantOf(request), request.params.id, request.query),
  );

  app.post(
    '/api/webhooks/:id/deliveries/:deliveryId/redeliver',
    {
      schema: documented(
        {
          summary: 'Redeliver an event',
          description:
            'Sends the delivery\'s event again (same event id) as a new delivery (`redelivery_of`), pending now, after the ' +
            "pending deliveries of its channel, with a retry window of its own. Any delivery can be redelivered: a failed one's " +
            'event once the receiver is fixed, or a delivered one the receiver lost.',
          tag: 'Webhooks',
          auth: 'app',
          errors: [404],
        },
        { params: WebhookDeliveryParams, response: { 202: WebhookDelivery } },
      ),
    },
    async (request, reply) =>
      reply.status(202).send(await webhooks.redeliver(tenantOf(request), request.params.id, request.params.deliveryId)),
  );
};
