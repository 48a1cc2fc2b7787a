import { and, asc, count, eq, sql, type SQL } from 'drizzle-orm';
import type { Database } from '../client.ts';
import { webhookEndpoints } from '../schema.ts';
import { isUuid, type AppId } from '../tenant.ts';
import { isoText } from './history-page.ts';
import { dateFromText, dateOrNullFromText } from './raw-values.ts';

export type { WebhookEventType } from './webhook-outbox.ts';
export { WEBHOOK_EVENT_TYPES } from './webhook-outbox.ts';

export interface WebhookEndpointRecord {
  id: string;
  appId: string;
  url: string;
  events: string[];
  secret: string;
  enabled: boolean;
  createdAt: Date;
  updatedAt: Date;
}

export type WebhookDeliveryStatus = 'pending' | 'delivered' | 'failed';

export interface WebhookDeliveryRecord {
  id: string;
  endpointId: string;
  event: { id: string; type: string; createdAt: Date; appId: string; data: Record<string, unknown> };
  status: WebhookDeliveryStatus;
  attempts: number;
  createdAt: Date;
  lastAttemptAt: Date | null;
  nextAttemptAt: Date;
  deliveredAt: Date | null;
  responseStatus: number | null;
  responseBody: string | null;
  error: string | null;
  redeliveryOf: string | null;
}

/** A delivery handed out to be sent (see claimDue). */
export interface DueDelivery {
  id: string;
  /** Tries it had made when handed out: the job's `attempt`. */
  attempts: number;
}

/** A delivery whose try has started (startAttempt): what to send, where, signed with what. */
export interface DeliveryTry {
  id: string;
  /** Tries made, this one included. */
  attempt: number;
  endpointId: string;
  channelId: string | null;
  url: string;
  secret: string;
  eventId: string;
  eventType: string;
  /** The event as the JSON text to POST: `{ id, type, created_at, app_id, data }`. */
  body: string;
}

/** How a try ended. */
export interface TryOutcome {
  delivered: boolean;
  responseStatus: number | null;
  responseBody: string | null;
  error: string | null;
  /** Failed: the wait before the next try. */
  retryInMs: number;
  /** Failed: how long after its creation a delivery is still retried. */
  retryWindowMs: number;
}

interface RawDeliveryRow {
  id: string;
  endpoint_id: string;
  event_id: string;
  event_type: string;
  event_created_at: string;
  event_app_id: string;
  event_data: Record<string, unknown>;
  status: WebhookDeliveryStatus;
  attempts: number;
  created_at: string;
  last_attempt_at: string | null;
  next_attempt_at: string;
  delivered_at: string | null;
  response_status: number | null;
  response_body: string | null;
  error: string | null;
  redelivery_of: string | null;
}

function toDeliveryRecord(row: RawDeliveryRow): WebhookDeliveryRecord {
  return {
    id: row.id,
    endpointId: row.endpoint_id,
    event: {
      id: row.event_id,
      type: row.event_type,
      createdAt: dateFromText(row.event_created_at),
      appId: row.event_app_id,
      data: row.event_data,
    },
    status: row.status,
    attempts: Number(row.attempts),
    createdAt: dateFromText(row.created_at),
    lastAttemptAt: dateOrNullFromText(row.last_attempt_at),
    nextAttemptAt: dateFromText(row.next_attempt_at),
    deliveredAt: dateOrNullFromText(row.delivered_at),
    responseStatus: row.response_status === null ? null : Number(row.response_status),
    responseBody: row.response_body,
    error: row.error,
    redeliveryOf: row.redelivery_of,
  };
}

/** Delivery rows of `from` (a table or a CTE) as `d`, with their events: RawDeliveryRow. */
const deliveriesWithEvents = (from: string) =>
  sql.raw(`
  select d.*, ev.type as event_type, ev.created_at as event_created_at, ev.app_id as event_app_id, ev.data as event_data
    from ${from} d join webhook_events ev on ev.id = d.event_id`);
const DELIVERIES_WITH_EVENTS = deliveriesWithEvents('webhook_deliveries');

const ms = (value: number) => sql`(${value}::double precision * interval '1 millisecond')`;

/** What may change on an endpoint. */
export type WebhookEndpointChanges = Partial<Pick<WebhookEndpointRecord, 'url' | 'events' | 'enabled'>>;

export function createWebhooksRepository(db: Database) {
  const endpointOf = (appId: AppId, id: string) => and(eq(webhookEndpoints.appId, appId), eq(webhookEndpoints.id, id));

  /**
   * Leases up to `limit` of `candidates` (a CTE of delivery ids) that are pending, due, not handed
   * out (or whose lease lapsed: a lost job) and of enabled endpoints, for `leaseMs`, in one statement;
   * rows another relay is leasing are skipped.
   */
  async function lease(candidates: SQL, limit: number, leaseMs: number): Promise<DueDelivery[]> {
    const rows = (await db.execute(sql`
      with ${candidates}, due as (
        select d.id from webhook_deliveries d
          join candidates c on c.id = d.id
          join webhook_endpoints e on e.id = d.endpoint_id and e.enabled
         where d.status = 'pending' and d.next_attempt_at <= now() and (d.lease_until is null or d.lease_until < now())
         order by d.next_attempt_at, d.seq
         limit ${limit}
           for update of d skip locked
      )
      update webhook_deliveries d set lease_until = now() + ${ms(leaseMs)}
        from due where d.id = due.id
      returning d.id, d.attempts`)) as unknown as { id: string; attempts: number }[];
    return rows.map((row) => ({ id: row.id, attempts: Number(row.attempts) }));
  }

  /** The oldest pending delivery of lane `l` (its endpoint_id and channel_id): its head. */
  const headOfLane = (l: string) => `
    select h.id from webhook_deliveries h
     where h.endpoint_id = ${l}.endpoint_id and h.channel_id = ${l}.channel_id and h.status = 'pending'
     order by h.seq limit 1`;

  /**
   * Every (endpoint, channel) lane that has pending deliveries, walked on the lane index one probe per
   * lane (a loose index scan: the deliveries waiting behind a lane's head are never read), each
   * lane's head, and the due deliveries of events in no channel, which wait for nothing.
   */
  const DUE_CANDIDATES = sql.raw(`recursive lanes as (
      (select endpoint_id, channel_id from webhook_deliveries
        where status = 'pending' and channel_id is not null
        order by endpoint_id, channel_id limit 1)
      union all
      select n.endpoint_id, n.channel_id from lanes l cross join lateral (
        select endpoint_id, channel_id from webhook_deliveries
         where status = 'pending' and channel_id is not null and (endpoint_id, channel_id) > (l.endpoint_id, l.channel_id)
         order by endpoint_id, channel_id limit 1) n
    ), candidates as (
      select head.id from lanes l cross join lateral (${headOfLane('l')}) head
      union all
      select id from webhook_deliveries
       where status = 'pending' and channel_id is null and next_attempt_at <= now()
    )`);

  return {
    /**
     * Adds an endpoint unless the app has `maxPerApp` already (the app's row is locked while it
     * counts, so two creations at once cannot both take the last place).
     * @returns the endpoint, or 'limit'.
     */
    async createEndpoint(
      appId: AppId,
      values: Pick<WebhookEndpointRecord, 'url' | 'events' | 'secret' | 'enabled'>,
      maxPerApp: number,
    ): Promise<WebhookEndpointRecord | 'limit'> {
      return db.transaction(async (tx) => {
        await tx.execute(sql`select 1 from apps where id = ${appId} for update`);
        const [existing] = await tx.select({ n: count() }).from(webhookEndpoints).where(eq(webhookEndpoints.appId, appId));
        if ((existing?.n ?? 0) >= maxPerApp) return 'limit';
        const [row] = await tx
          .insert(webhookEndpoints)
          .values({ appId, ...values })
          .returning();
        return row!;
      });
    },

    async listEndpoints(appId: AppId): Promise<WebhookEndpointRecord[]> {
      return db
        .select()
        .from(webhookEndpoints)
        .where(eq(webhookEndpoints.appId, appId))
        .orderBy(asc(webhookEndpoints.createdAt), asc(webhookEndpoints.id));
    },

    async findEndpoint(appId: AppId, id: string): Promise<WebhookEndpointRecord | undefined> {
      if (!isUuid(id)) return undefined;
      const [row] = await db.select().from(webhookEndpoints).where(endpointOf(appId, id));
      return row;
    },

    /** Changes the fields given. @returns the endpoint after, undefined when not in this app. */
    async updateEndpoint(appId: AppId, id: string, changes: WebhookEndpointChanges): Promise<WebhookEndpointRecord | undefined> {
      if (!isUuid(id)) return undefined;
      const [row] = await db
        .update(webhookEndpoints)
        .set({ ...changes, updatedAt: new Date() })
        .where(endpointOf(appId, id))
        .returning();
      return row;
    },

    /** Deletes the endpoint and its deliveries. @returns false when not in this app. */
    async deleteEndpoint(appId: AppId, id: string): Promise<boolean> {
      if (!isUuid(id)) return false;
      const deleted = await db.delete(webhookEndpoints).where(endpointOf(appId, id)).returning({ id: webhookEndpoints.id });
      return deleted.length > 0;
    },

    /** The endpoint's deliveries, newest first: those older than `before` (a delivery id), of `status`. */
    async listDeliveries(
      appId: AppId,
      endpointId: string,
      page: { status?: WebhookDeliveryStatus; limit: number; before?: string },
    ): Promise<WebhookDeliveryRecord[]> {
      if (!isUuid(endpointId)) return [];
      if (page.before !== undefined && !isUuid(page.before)) return [];
      const rows = (await db.execute(sql`
        ${DELIVERIES_WITH_EVENTS}
         where d.app_id = ${appId} and d.endpoint_id = ${endpointId}
           ${page.status ? sql`and d.status = ${page.status}` : sql``}
           ${page.before ? sql`and d.seq < (select b.seq from webhook_deliveries b where b.id = ${page.before} and b.endpoint_id = ${endpointId})` : sql``}
         order by d.seq desc limit ${page.limit}`)) as unknown as RawDeliveryRow[];
      return rows.map(toDeliveryRecord);
    },

    async findDelivery(appId: AppId, endpointId: string, deliveryId: string): Promise<WebhookDeliveryRecord | undefined> {
      if (!isUuid(endpointId) || !isUuid(deliveryId)) return undefined;
      const [row] = (await db.execute(sql`
        ${DELIVERIES_WITH_EVENTS}
         where d.app_id = ${appId} and d.endpoint_id = ${endpointId} and d.id = ${deliveryId}`)) as unknown as RawDeliveryRow[];
      return row && toDeliveryRecord(row);
    },

    /**
     * A new delivery of the same event to the same endpoint (`redelivery_of` the given one), pending
     * now: last in its channel's lane, with a retry window of its own.
     * @returns it; undefined when there is no such delivery of the endpoint.
     */
    async redeliver(appId: AppId, endpointId: string, deliveryId: string): Promise<WebhookDeliveryRecord | undefined> {
      if (!isUuid(endpointId) || !isUuid(deliveryId)) return undefined;
      const [row] = (await db.execute(sql`
        with added as (
          insert into webhook_deliveries (endpoint_id, event_id, app_id, channel_id, redelivery_of)
          select d.endpoint_id, d.event_id, d.app_id, d.channel_id, d.id from webhook_deliveries d
           where d.app_id = ${appId} and d.endpoint_id = ${endpointId} and d.id = ${deliveryId}
          returning *
        )
        ${deliveriesWithEvents('added')}`)) as unknown as RawDeliveryRow[];
      return row && toDeliveryRecord(row);
    },

    /** Hands out up to `limit` due deliveries, each the head of its lane, for `leaseMs` (see claim). */
    claimDue: (limit: number, leaseMs: number) => lease(DUE_CANDIDATES, limit, leaseMs),

    /** Hands out the head of one (endpoint, channel) lane if it is due: the next after a delivery there succeeded. */
    async claimLaneHead(endpointId: string, channelId: string, leaseMs: number): Promise<DueDelivery | undefined> {
      const head = sql`candidates as (
        select h.id from webhook_deliveries h
         where h.endpoint_id = ${endpointId} and h.channel_id = ${channelId} and h.status = 'pending'
         order by h.seq limit 1)`;
      const [due] = await lease(head, 1, leaseMs);
      return due;
    },

    /**
     * Starts try `attempt + 1` of a delivery that had made `attempt` tries: counts it and renews the
     * lease, in one statement, so of two jobs for the same try only one gets it.
     * @returns what to send; undefined when the delivery moved on (tried, delivered, given up), its
     * endpoint is disabled or gone.
     */
    async startAttempt(deliveryId: string, attempt: number, leaseMs: number): Promise<DeliveryTry | undefined> {
      if (!isUuid(deliveryId)) return undefined;
      const [row] = (await db.execute(sql`
        with started as (
          update webhook_deliveries d
             set attempts = d.attempts + 1, last_attempt_at = now(), lease_until = now() + ${ms(leaseMs)}
            from webhook_endpoints e
           where d.id = ${deliveryId} and d.attempts = ${attempt} and d.status = 'pending'
             and e.id = d.endpoint_id and e.enabled
          returning d.id, d.attempts, d.endpoint_id, d.channel_id, d.event_id, e.url, e.secret
        )
        select s.*, ev.type as event_type,
               json_build_object('id', ev.id, 'type', ev.type, 'created_at', ${sql.raw(isoText('ev.created_at'))},
                                 'app_id', ev.app_id, 'data', ev.data)::text as body
          from started s join webhook_events ev on ev.id = s.event_id`)) as unknown as {
        id: string;
        attempts: number;
        endpoint_id: string;
        channel_id: string | null;
        event_id: string;
        url: string;
        secret: string;
        event_type: string;
        body: string;
      }[];
      return (
        row && {
          id: row.id,
          attempt: Number(row.attempts),
          endpointId: row.endpoint_id,
          channelId: row.channel_id,
          url: row.url,
          secret: row.secret,
          eventId: row.event_id,
          eventType: row.event_type,
          body: row.body,
        }
      );
    },

    /**
     * Records how try `attempt` ended: delivered; or pending again after `retryInMs`; or failed when
     * that would fall past the delivery's retry window. Nothing when another try took over.
     * @returns the delivery's status after, undefined when nothing was recorded.
     */
    async recordOutcome(deliveryId: string, attempt: number, outcome: TryOutcome): Promise<WebhookDeliveryStatus | undefined> {
      const [row] = (await db.execute(sql`
        update webhook_deliveries d
           set status = case when ${outcome.delivered} then 'delivered'
                             when d.created_at + ${ms(outcome.retryWindowMs)} <= now() + ${ms(outcome.retryInMs)} then 'failed'
                             else 'pending' end,
               next_attempt_at = case when ${outcome.delivered} then d.next_attempt_at else now() + ${ms(outcome.retryInMs)} end,
               delivered_at = case when ${outcome.delivered} then now() end,
               response_status = ${outcome.responseStatus}, response_body = ${outcome.responseBody}, error = ${outcome.error},
               lease_until = null
         where d.id = ${deliveryId} and d.attempts = ${attempt} and d.status = 'pending'
        returning d.status`)) as unknown as { status: WebhookDeliveryStatus }[];
      return row?.status;
    },

    /**
     * Gives up on pending deliveries older than the retry window that no try is holding (their
     * endpoint disabled since, or a lane held back by an earlier failure until then).
     * @returns how many.
     */
    async failExpired(retryWindowMs: number): Promise<number> {
      const rows = await db.execute(sql`
        update webhook_deliveries
           set status = 'failed', error = coalesce(error, 'not delivered within the retry window'), lease_until = null
         where status = 'pending' and created_at < now() - ${ms(retryWindowMs)}
           and (lease_until is null or lease_until < now())
        returning id`);
      return rows.length;
    },

    /**
     * Deletes delivered deliveries older than `deliveredMs` and failed ones older than `failedMs`,
     * then the events no delivery refers to any more.
     */
    async prune(deliveredMs: number, failedMs: number): Promise<void> {
      await db.execute(sql`
        delete from webhook_deliveries
         where (status = 'delivered' and created_at < now() - ${ms(deliveredMs)})
            or (status = 'failed' and created_at < now() - ${ms(failedMs)})`);
      await db.execute(sql`
        delete from webhook_events ev
         where ev.created_at < now() - ${ms(Math.min(deliveredMs, failedMs))}
           and not exists (select 1 from webhook_deliveries d where d.event_id = ev.id)`);
    },
  };
}

export type WebhooksRepository = ReturnType<typeof createWebhooksRepository>;
