CREATE TABLE "webhook_deliveries" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"seq" bigserial NOT NULL,
	"endpoint_id" uuid NOT NULL,
	"event_id" uuid NOT NULL,
	"app_id" uuid NOT NULL,
	"channel_id" uuid,
	"status" text DEFAULT 'pending' NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"next_attempt_at" timestamp with time zone DEFAULT now() NOT NULL,
	"lease_until" timestamp with time zone,
	"last_attempt_at" timestamp with time zone,
	"response_status" integer,
	"response_body" text,
	"error" text,
	"delivered_at" timestamp with time zone,
	"redelivery_of" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "webhook_endpoints" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"app_id" uuid NOT NULL,
	"url" text NOT NULL,
	"events" text[] NOT NULL,
	"secret" text NOT NULL,
	"enabled" boolean DEFAULT true NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "webhook_events" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"seq" bigserial NOT NULL,
	"app_id" uuid NOT NULL,
	"type" text NOT NULL,
	"channel_id" uuid,
	"data" jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "webhook_deliveries" ADD CONSTRAINT "webhook_deliveries_endpoint_id_webhook_endpoints_id_fk" FOREIGN KEY ("endpoint_id") REFERENCES "public"."webhook_endpoints"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "webhook_deliveries" ADD CONSTRAINT "webhook_deliveries_event_id_webhook_events_id_fk" FOREIGN KEY ("event_id") REFERENCES "public"."webhook_events"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "webhook_endpoints" ADD CONSTRAINT "webhook_endpoints_app_id_apps_id_fk" FOREIGN KEY ("app_id") REFERENCES "public"."apps"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "webhook_deliveries_endpoint_idx" ON "webhook_deliveries" USING btree ("endpoint_id","seq");--> statement-breakpoint
CREATE INDEX "webhook_deliveries_lane_idx" ON "webhook_deliveries" USING btree ("endpoint_id","channel_id","seq") WHERE "webhook_deliveries"."status" = 'pending';--> statement-breakpoint
CREATE INDEX "webhook_deliveries_unordered_idx" ON "webhook_deliveries" USING btree ("next_attempt_at") WHERE "webhook_deliveries"."status" = 'pending' and "webhook_deliveries"."channel_id" is null;--> statement-breakpoint
CREATE INDEX "webhook_deliveries_created_idx" ON "webhook_deliveries" USING brin ("created_at");--> statement-breakpoint
CREATE INDEX "webhook_deliveries_event_idx" ON "webhook_deliveries" USING btree ("event_id");--> statement-breakpoint
CREATE INDEX "webhook_endpoints_app_idx" ON "webhook_endpoints" USING btree ("app_id");--> statement-breakpoint
CREATE INDEX "webhook_events_created_idx" ON "webhook_events" USING brin ("created_at");--> statement-breakpoint
-- Writes webhook events — a jsonb array of { app_id, channel_id, data }, in the order their changes
-- were made — and one delivery per enabled endpoint of the app that takes `event_type` (or `*`).
-- Called by the statement that makes the change, only for the rows of apps with such an endpoint
-- (libs/database/src/repositories/webhook-outbox.ts), so the inserts cost nothing to the others.
CREATE FUNCTION heyyo_webhook_events(event_type text, events jsonb) RETURNS integer
LANGUAGE plpgsql VOLATILE AS $$
DECLARE
  recorded integer;
BEGIN
  WITH added AS (
    INSERT INTO webhook_events (app_id, channel_id, type, data)
    SELECT (e.value->>'app_id')::uuid, (e.value->>'channel_id')::uuid, event_type, e.value->'data'
      FROM jsonb_array_elements(events) WITH ORDINALITY AS e(value, position)
     ORDER BY e.position
    RETURNING id, seq, app_id, channel_id
  ), delivered AS (
    INSERT INTO webhook_deliveries (endpoint_id, event_id, app_id, channel_id)
    SELECT endpoint.id, added.id, added.app_id, added.channel_id
      FROM added JOIN webhook_endpoints endpoint
        ON endpoint.app_id = added.app_id AND endpoint.enabled AND endpoint.events && ARRAY[event_type, '*']
     ORDER BY added.seq, endpoint.id
  )
  SELECT count(*) INTO recorded FROM added;
  RETURN recorded;
END
$$;
