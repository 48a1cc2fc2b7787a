import type { JobRun, WebhookJob } from '@heyyo/contracts';
import type { ChatServices } from '@heyyo/chat';

/** The `webhooks` queue's processor: one try of one delivery (see libs/chat/src/webhook-delivery.ts). */
export function createWebhooksProcessor(deps: { services: Pick<ChatServices, 'webhookDelivery'> }) {
  return (job: JobRun<WebhookJob>) => deps.services.webhookDelivery.deliver(job);
}
