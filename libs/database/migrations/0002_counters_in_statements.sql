CREATE INDEX "messages_channel_user_seq_idx" ON "messages" USING btree ("channel_id","user_id","seq");--> statement-breakpoint
ALTER TABLE "channel_members" DROP COLUMN "unread_count";--> statement-breakpoint
ALTER TABLE "channel_members" DROP COLUMN "unread_through_seq";--> statement-breakpoint
-- From here on sends, deletes and joins keep the channel counters exact in their own
-- statements; start them from the rows, whatever a worker had not recounted yet.
UPDATE "channels" c SET
  "message_count" = c."last_seq" - (SELECT count(*) FROM "messages" m WHERE m."channel_id" = c."id" AND m."deleted_at" IS NOT NULL),
  "member_count" = (SELECT count(*) FROM "channel_members" cm WHERE cm."channel_id" = c."id"),
  "last_message_at" = (SELECT m."created_at" FROM "messages" m WHERE m."channel_id" = c."id" AND m."deleted_at" IS NULL
                        ORDER BY m."seq" DESC LIMIT 1);
