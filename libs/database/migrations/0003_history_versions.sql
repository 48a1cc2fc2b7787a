ALTER TABLE "apps" ADD COLUMN "profile_version" bigint DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "channels" ADD COLUMN "history_version" bigint DEFAULT 0 NOT NULL;