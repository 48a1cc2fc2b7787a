/**
 * Webhooks: a tenant's HTTP endpoints that receive its app's events, signed (`Heyyo-Signature`).
 * Managed through the server API (X-API-Key + X-API-Secret); docs/webhooks.md is the guide.
 */
import { Type, type Static, type TSchema } from '@sinclair/typebox';
import {
  ChangedChannel,
  ChangedMessage,
  ChannelDeletedEvent,
  MemberJoinedEvent,
  MemberLeftEvent,
  MemberRemovedEvent,
  MessageDeletedEvent,
  ReactionEvent,
} from '../events.ts';
import { Id, JsonObject, Nullable, OneOf, Strict, Timestamp, Uuid } from '../schema.ts';
import { Channel } from './channels.ts';
import { Message } from './messages.ts';
import { User } from './users.ts';

/**
 * What each event's `data` is: the payload the realtime event of the same name carries (with its
 * `version`); `channel.created` (no realtime event) the channel as REST shows it, `user.deleted`
 * the user as the server API shows it after the change.
 */
export const WEBHOOK_EVENT_DATA = {
  'message.new': Message,
  'message.updated': ChangedMessage,
  'message.deleted': MessageDeletedEvent,
  'reaction.new': ReactionEvent,
  'reaction.deleted': ReactionEvent,
  'member.joined': MemberJoinedEvent,
  'member.left': MemberLeftEvent,
  'member.removed': MemberRemovedEvent,
  'channel.created': Channel,
  'channel.updated': ChangedChannel,
  'channel.deleted': ChannelDeletedEvent,
  'user.deleted': User,
} as const satisfies Record<string, TSchema>;

export type WebhookEventType = keyof typeof WEBHOOK_EVENT_DATA;
export const WEBHOOK_EVENT_TYPES = Object.keys(WEBHOOK_EVENT_DATA) as WebhookEventType[];

/** Subscribes an endpoint to every event type, present and future. */
export const ALL_WEBHOOK_EVENTS = '*';

/** The longest webhook URL. */
export const MAX_WEBHOOK_URL_LENGTH = 2048;

export const WebhookUrl = Type.String({
  minLength: 1,
  maxLength: MAX_WEBHOOK_URL_LENGTH,
  format: 'http-url',
  description:
    'http or https. In production, a host that is (or resolves to) a loopback, private, link-local, unique-local or ' +
    'multicast address is refused unless the operator allows it (HEYYO_WEBHOOK_ALLOW_PRIVATE).',
  examples: ['https://example.com/heyyo/webhooks'],
});

const WebhookEvents = Type.Array(OneOf([...WEBHOOK_EVENT_TYPES, ALL_WEBHOOK_EVENTS]), {
  minItems: 1,
  maxItems: WEBHOOK_EVENT_TYPES.length + 1,
  uniqueItems: true,
  description: `The event types to send; \`${ALL_WEBHOOK_EVENTS}\` for all of them (those added later too).`,
});

export const CreateWebhookRequest = Strict(
  {
    url: WebhookUrl,
    events: WebhookEvents,
    enabled: Type.Optional(Type.Boolean({ default: true, description: 'false: record nothing and send nothing until enabled.' })),
  },
  { title: 'CreateWebhookRequest', examples: [{ url: 'https://example.com/heyyo/webhooks', events: ['message.new', 'member.joined'] }] },
);
export type CreateWebhookRequest = Static<typeof CreateWebhookRequest>;

export const UpdateWebhookRequest = Strict(
  { url: Type.Optional(WebhookUrl), events: Type.Optional(WebhookEvents), enabled: Type.Optional(Type.Boolean()) },
  { title: 'UpdateWebhookRequest', minProperties: 1, examples: [{ enabled: false }, { events: ['*'] }] },
);
export type UpdateWebhookRequest = Static<typeof UpdateWebhookRequest>;

export const WebhookParams = Strict({ id: Id });
export type WebhookParams = Static<typeof WebhookParams>;

export const WebhookDeliveryParams = Strict({ id: Id, deliveryId: Id });
export type WebhookDeliveryParams = Static<typeof WebhookDeliveryParams>;

/** An endpoint as the server API shows it: with its secret (see docs/webhooks.md, "The secret"). */
export const Webhook = Strict(
  {
    id: Uuid,
    url: Type.String(),
    events: Type.Array(Type.String()),
    enabled: Type.Boolean(),
    secret: Type.String({
      description: 'Signs every delivery (Heyyo-Signature): `whsec_` and 32 random bytes in base64url. Keep it on your servers.',
      examples: ['whsec_9f1c2d3e4b5a69788796a5b4c3d2e1f00f1e2d3c4b5a6978'],
    }),
    created_at: Timestamp,
    updated_at: Timestamp,
  },
  {
    title: 'Webhook',
    examples: [
      {
        id: '3c9d2f4e-7b1a-4e5c-9d8f-0a1b2c3d4e5f',
        url: 'https://example.com/heyyo/webhooks',
        events: ['message.new', 'member.joined'],
        enabled: true,
        secret: 'whsec_9f1c2d3e4b5a69788796a5b4c3d2e1f00f1e2d3c4b5a6978',
        created_at: '2026-01-31T12:00:00.000Z',
        updated_at: '2026-01-31T12:00:00.000Z',
      },
    ],
  },
);
export type Webhook = Static<typeof Webhook>;

/** What a delivery POSTs: one event. Receivers key on `id` (a redelivery, or a retry after a lost answer, repeats it). */
export const WebhookEventBody = Strict(
  {
    id: Uuid,
    type: OneOf(WEBHOOK_EVENT_TYPES),
    created_at: Timestamp,
    app_id: Uuid,
    data: JsonObject,
  },
  { title: 'WebhookEventBody' },
);

/** A delivery's body, typed by its `type`. */
export type WebhookEvent = {
  [T in WebhookEventType]: { id: string; type: T; created_at: string; app_id: string; data: Static<(typeof WEBHOOK_EVENT_DATA)[T]> };
}[WebhookEventType];

export const WEBHOOK_DELIVERY_STATUSES = ['pending', 'delivered', 'failed'] as const;
export const WebhookDeliveryStatus = OneOf(WEBHOOK_DELIVERY_STATUSES, {
  description:
    'pending: waiting for its first try or its next retry (or for earlier events of its channel); delivered: answered 2xx; ' +
    'failed: not delivered within the retry window (24 h): kept, for redelivery.',
});
export type WebhookDeliveryStatus = (typeof WEBHOOK_DELIVERY_STATUSES)[number];

export const WebhookDelivery = Strict(
  {
    id: Uuid,
    webhook_id: Uuid,
    event: WebhookEventBody,
    status: WebhookDeliveryStatus,
    attempts: Type.Integer({ minimum: 0 }),
    created_at: Timestamp,
    last_attempt_at: Nullable(Timestamp),
    next_attempt_at: Nullable(Timestamp, { description: 'When it is tried next (pending only).' }),
    delivered_at: Nullable(Timestamp),
    response_status: Nullable(Type.Integer(), { description: "The last try's HTTP status; null when no answer came." }),
    response_body: Nullable(Type.String(), { description: "The start of the last try's response body (1 KiB at most)." }),
    error: Nullable(Type.String(), { description: 'Why the last try failed: the status, a timeout, a refused address…' }),
    redelivery_of: Nullable(Uuid, { description: 'The delivery this one redelivers (POST …/redeliver).' }),
  },
  { title: 'WebhookDelivery' },
);
export type WebhookDelivery = Static<typeof WebhookDelivery>;

export const MAX_DELIVERIES_PAGE = 100;

export const WebhookDeliveriesQuery = Strict(
  {
    status: Type.Optional(WebhookDeliveryStatus),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_DELIVERIES_PAGE, default: 50 })),
    before: Type.Optional(Type.String({ minLength: 1, maxLength: 64, description: 'A delivery id: only deliveries older than it (the next page).' })),
  },
  { title: 'WebhookDeliveriesQuery' },
);
export type WebhookDeliveriesQuery = Static<typeof WebhookDeliveriesQuery>;

/** The header a delivery is signed in: `t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>">`. */
export const WEBHOOK_SIGNATURE_HEADER = 'heyyo-signature';
