CREATE TABLE "scheduled_job_settings" (
	"job_name" text PRIMARY KEY NOT NULL,
	"enabled" boolean NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_by" uuid
);
--> statement-breakpoint
ALTER TABLE "scheduled_job_settings" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "users" ADD COLUMN "digest_hour" smallint;--> statement-breakpoint
ALTER TABLE "users" ADD CONSTRAINT "users_digest_hour_check" CHECK ("users"."digest_hour" between 0 and 23);