ALTER TABLE "channel_members" ADD COLUMN "last_read_seq" bigint DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "channel_members" ADD COLUMN "unread_count" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "channel_members" ADD COLUMN "unread_through_seq" bigint DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "channels" ADD COLUMN "last_seq_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "messages" ADD COLUMN "reaction_counts" jsonb DEFAULT '{}'::jsonb NOT NULL;--> statement-breakpoint
ALTER TABLE "reactions" ADD COLUMN "version" bigint DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "reactions" ADD COLUMN "removed_at" timestamp with time zone;--> statement-breakpoint
CREATE INDEX "messages_channel_deleted_idx" ON "messages" USING btree ("channel_id","seq") WHERE "messages"."deleted_at" IS NOT NULL;--> statement-breakpoint
-- Backfill: the seq clock continues from the last message, existing history counts as read,
-- and reaction counts start from the rows.
UPDATE "channels" SET "last_seq_at" = "last_message_at";--> statement-breakpoint
UPDATE "channel_members" cm SET "last_read_seq" = c."last_seq", "unread_through_seq" = c."last_seq"
  FROM "channels" c WHERE c."id" = cm."channel_id";--> statement-breakpoint
UPDATE "messages" m SET "reaction_counts" = counts.by_type
  FROM (SELECT "message_id", jsonb_object_agg("type", n) AS by_type
          FROM (SELECT "message_id", "type", count(*) AS n FROM "reactions" GROUP BY 1, 2) per_type
         GROUP BY 1) counts
 WHERE counts."message_id" = m."id";
