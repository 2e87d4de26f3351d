ALTER TABLE "import_runs" ADD COLUMN "claim" uuid;--> statement-breakpoint
ALTER TABLE "import_runs" ADD COLUMN "heartbeat_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "import_runs" ADD COLUMN "recoveries" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
CREATE INDEX "import_runs_running_heartbeat_idx" ON "import_runs" USING btree ("heartbeat_at") WHERE "import_runs"."status" in ('validating', 'importing');