DROP INDEX "messages_parent_idx";--> statement-breakpoint
ALTER TABLE "messages" ADD COLUMN "reply_count" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "messages" ADD COLUMN "last_reply_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "messages" ADD COLUMN "pinned_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "messages" ADD COLUMN "pinned_by" uuid;--> statement-breakpoint
CREATE INDEX "messages_channel_pinned_idx" ON "messages" USING btree ("channel_id","pinned_at") WHERE "messages"."pinned_at" IS NOT NULL;--> statement-breakpoint
CREATE INDEX "messages_parent_idx" ON "messages" USING btree ("parent_id","created_at") WHERE "messages"."parent_id" IS NOT NULL;--> statement-breakpoint
-- Hand-written backfill: replies stored before this migration count on their parents from here
-- on (later replies and deletes keep the counts exact in their own statements).
UPDATE "messages" p SET "reply_count" = r."replies", "last_reply_at" = r."newest"
  FROM (SELECT "parent_id", count(*)::int AS "replies", max("created_at") AS "newest" FROM "messages"
         WHERE "parent_id" IS NOT NULL AND "deleted_at" IS NULL GROUP BY "parent_id") r
 WHERE p."id" = r."parent_id";
