CREATE TABLE "channel_events" (
	"channel_id" uuid NOT NULL,
	"version" bigint NOT NULL,
	"app_id" uuid NOT NULL,
	"event" text NOT NULL,
	"payload" jsonb NOT NULL,
	"message_id" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "channel_events_channel_id_version_pk" PRIMARY KEY("channel_id","version")
);
--> statement-breakpoint
ALTER TABLE "messages" ADD COLUMN "change_version" bigint;--> statement-breakpoint
ALTER TABLE "channel_events" ADD CONSTRAINT "channel_events_channel_id_channels_id_fk" FOREIGN KEY ("channel_id") REFERENCES "public"."channels"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "channel_events" ADD CONSTRAINT "channel_events_app_id_apps_id_fk" FOREIGN KEY ("app_id") REFERENCES "public"."apps"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "messages_channel_change_idx" ON "messages" USING btree ("channel_id","change_version") WHERE "messages"."change_version" IS NOT NULL;