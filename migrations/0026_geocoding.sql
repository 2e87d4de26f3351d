CREATE TABLE "geocode_cache" (
	"key" text PRIMARY KEY NOT NULL,
	"kind" text NOT NULL,
	"query" text NOT NULL,
	"place" jsonb,
	"provider" text NOT NULL,
	"fetched_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "geocode_cache_kind_check" CHECK ("geocode_cache"."kind" in ('search', 'reverse'))
);
--> statement-breakpoint
CREATE TABLE "geocoder_throttle" (
	"provider" text PRIMARY KEY NOT NULL,
	"next_slot_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
ALTER TABLE "outlets" ADD COLUMN "geocode_status" text;--> statement-breakpoint
ALTER TABLE "outlets" ADD COLUMN "geocoded_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "outlets" ADD COLUMN "geocode_error" text;--> statement-breakpoint
ALTER TABLE "visits" ADD COLUMN "check_in_address" jsonb;--> statement-breakpoint
ALTER TABLE "visits" ADD COLUMN "check_in_geocode_status" text;--> statement-breakpoint
ALTER TABLE "visits" ADD COLUMN "completion_address" jsonb;--> statement-breakpoint
ALTER TABLE "visits" ADD COLUMN "completion_geocode_status" text;--> statement-breakpoint
ALTER TABLE "visits" ADD COLUMN "geocode_error" text;--> statement-breakpoint
ALTER TABLE "outlets" ADD CONSTRAINT "outlets_geocode_status_check" CHECK ("outlets"."geocode_status" in ('pending', 'ok', 'not_found', 'failed', 'off'));--> statement-breakpoint
ALTER TABLE "visits" ADD CONSTRAINT "visits_check_in_geocode_status_check" CHECK ("visits"."check_in_geocode_status" in ('pending', 'ok', 'not_found', 'failed', 'off'));--> statement-breakpoint
ALTER TABLE "visits" ADD CONSTRAINT "visits_completion_geocode_status_check" CHECK ("visits"."completion_geocode_status" in ('pending', 'ok', 'not_found', 'failed', 'off'));