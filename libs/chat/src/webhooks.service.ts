import {
  ALL_WEBHOOK_EVENTS,
  ErrorCodes,
  type CreateWebhookRequest,
  type UpdateWebhookRequest,
  type Webhook,
  type WebhookDeliveriesQuery,
  type WebhookDelivery,
} from '@heyyo/contracts';
import type { AppId, Repositories, WebhookEndpointRecord } from '@heyyo/database';
import { createError, Errors } from './errors.ts';
import { presentWebhook, presentWebhookDelivery } from './presenters.ts';
import { urlRefusal, type Resolver } from './webhook-address.ts';
import type { WebhookSettings } from './webhook-delivery.ts';
import { newWebhookSecret } from './webhook-signature.ts';

export interface WebhooksServiceDeps {
  repos: Pick<Repositories, 'webhooks'>;
  webhooks: WebhookSettings;
  /** DNS, for tests. */
  resolve?: Resolver;
}

const webhookNotFound = () => createError(ErrorCodes.WEBHOOK_NOT_FOUND, 'Webhook not found', 404);
const deliveryNotFound = () => createError(ErrorCodes.DELIVERY_NOT_FOUND, 'Delivery not found', 404);

/** `*` stands for every type: a list holding it is just `*`. */
const normalizedEvents = (events: string[]) => (events.includes(ALL_WEBHOOK_EVENTS) ? [ALL_WEBHOOK_EVENTS] : [...new Set(events)]);

/** A tenant's webhook endpoints and their deliveries (server API, X-API-Key). */
export function createWebhooksService(deps: WebhooksServiceDeps) {
  const { repos, webhooks: settings } = deps;

  /** @throws 400 when webhooks may not go to `url` (its scheme; in production an internal address). */
  async function assertDeliverable(url: string): Promise<void> {
    const refusal = await urlRefusal(url, { allowPrivate: settings.allowPrivate, ...(deps.resolve ? { resolve: deps.resolve } : {}) });
    if (refusal) throw Errors.validation(`url: ${refusal}`);
  }

  async function requireEndpoint(appId: AppId, id: string): Promise<WebhookEndpointRecord> {
    const endpoint = await repos.webhooks.findEndpoint(appId, id);
    if (!endpoint) throw webhookNotFound();
    return endpoint;
  }

  return {
    /**
     * Adds an endpoint with a new secret.
     * @throws 400 for a URL webhooks may not go to, 409 when the app has as many endpoints as it may.
     */
    async create(appId: AppId, request: CreateWebhookRequest): Promise<Webhook> {
      await assertDeliverable(request.url);
      const created = await repos.webhooks.createEndpoint(
        appId,
        { url: request.url, events: normalizedEvents(request.events), enabled: request.enabled ?? true, secret: newWebhookSecret() },
        settings.maxEndpointsPerApp,
      );
      if (created === 'limit') {
        throw createError(ErrorCodes.WEBHOOK_LIMIT, `An app has at most ${settings.maxEndpointsPerApp} webhooks`, 409);
      }
      return presentWebhook(created);
    },

    async list(appId: AppId): Promise<Webhook[]> {
      return (await repos.webhooks.listEndpoints(appId)).map(presentWebhook);
    },

    async get(appId: AppId, id: string): Promise<Webhook> {
      return presentWebhook(await requireEndpoint(appId, id));
    },

    /** Changes the fields given; pending deliveries go to the new URL. @throws 400, 404 */
    async update(appId: AppId, id: string, request: UpdateWebhookRequest): Promise<Webhook> {
      if (request.url !== undefined) await assertDeliverable(request.url);
      const updated = await repos.webhooks.updateEndpoint(appId, id, {
        ...(request.url === undefined ? {} : { url: request.url }),
        ...(request.events === undefined ? {} : { events: normalizedEvents(request.events) }),
        ...(request.enabled === undefined ? {} : { enabled: request.enabled }),
      });
      if (!updated) throw webhookNotFound();
      return presentWebhook(updated);
    },

    /** Deletes the endpoint with its deliveries, pending ones included. @throws 404 */
    async delete(appId: AppId, id: string): Promise<void> {
      if (!(await repos.webhooks.deleteEndpoint(appId, id))) throw webhookNotFound();
    },

    /** The endpoint's deliveries, newest first. @throws 404 for an endpoint not in the app. */
    async deliveries(appId: AppId, id: string, query: WebhookDeliveriesQuery): Promise<WebhookDelivery[]> {
      await requireEndpoint(appId, id);
      const page = await repos.webhooks.listDeliveries(appId, id, {
        limit: query.limit ?? 50,
        ...(query.status ? { status: query.status } : {}),
        ...(query.before ? { before: query.before } : {}),
      });
      return page.map(presentWebhookDelivery);
    },

    /** Sends a delivery's event again, as a new delivery. @throws 404 */
    async redeliver(appId: AppId, id: string, deliveryId: string): Promise<WebhookDelivery> {
      await requireEndpoint(appId, id);
      const added = await repos.webhooks.redeliver(appId, id, deliveryId);
      if (!added) throw deliveryNotFound();
      return presentWebhookDelivery(added);
    },
  };
}

export type WebhooksService = ReturnType<typeof createWebhooksService>;
