CREATE TABLE "report_runs" (
	"tenant_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"schedule_id" uuid,
	"due_at" timestamp with time zone,
	"report_type" text NOT NULL,
	"format" text NOT NULL,
	"parameters" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"status" text DEFAULT 'pending' NOT NULL,
	"requested_by" uuid NOT NULL,
	"error" text,
	"file_key" text,
	"file_name" text,
	"file_size" integer,
	"content_type" text,
	"row_count" integer,
	"started_at" timestamp with time zone,
	"completed_at" timestamp with time zone,
	"delivery" text,
	"delivered_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "report_runs_tenant_id_id_pk" PRIMARY KEY("tenant_id","id"),
	CONSTRAINT "report_runs_status_check" CHECK ("report_runs"."status" in ('pending', 'generating', 'completed', 'failed'))
);
--> statement-breakpoint
ALTER TABLE "report_runs" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "report_schedules" (
	"tenant_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"name" text NOT NULL,
	"report_type" text NOT NULL,
	"format" text NOT NULL,
	"frequency" text NOT NULL,
	"weekday" integer,
	"day_of_month" integer,
	"hour" integer NOT NULL,
	"parameters" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"recipient_user_ids" uuid[] DEFAULT '{}'::uuid[] NOT NULL,
	"recipient_emails" text[] DEFAULT '{}'::text[] NOT NULL,
	"is_active" boolean DEFAULT true NOT NULL,
	"next_run_at" timestamp with time zone NOT NULL,
	"last_run_at" timestamp with time zone,
	"created_by" uuid NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "report_schedules_tenant_id_id_pk" PRIMARY KEY("tenant_id","id"),
	CONSTRAINT "report_schedules_frequency_check" CHECK ("report_schedules"."frequency" in ('daily', 'weekly', 'monthly', 'quarterly')),
	CONSTRAINT "report_schedules_hour_check" CHECK ("report_schedules"."hour" between 0 and 23),
	CONSTRAINT "report_schedules_weekday_check" CHECK ("report_schedules"."weekday" is null or "report_schedules"."weekday" between 1 and 7),
	CONSTRAINT "report_schedules_day_check" CHECK ("report_schedules"."day_of_month" is null or "report_schedules"."day_of_month" between 1 and 31)
);
--> statement-breakpoint
ALTER TABLE "report_schedules" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "mail_outbox" ADD COLUMN "attachments" jsonb;--> statement-breakpoint
ALTER TABLE "report_runs" ADD CONSTRAINT "report_runs_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "report_runs" ADD CONSTRAINT "report_runs_tenant_id_requested_by_users_tenant_id_id_fk" FOREIGN KEY ("tenant_id","requested_by") REFERENCES "public"."users"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "report_schedules" ADD CONSTRAINT "report_schedules_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "report_schedules" ADD CONSTRAINT "report_schedules_tenant_id_created_by_users_tenant_id_id_fk" FOREIGN KEY ("tenant_id","created_by") REFERENCES "public"."users"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "report_runs_schedule_slot_key" ON "report_runs" USING btree ("tenant_id","schedule_id","due_at");--> statement-breakpoint
CREATE INDEX "report_runs_tenant_created_idx" ON "report_runs" USING btree ("tenant_id","created_at");--> statement-breakpoint
CREATE INDEX "report_runs_tenant_requested_by_idx" ON "report_runs" USING btree ("tenant_id","requested_by");--> statement-breakpoint
CREATE INDEX "report_schedules_tenant_created_by_idx" ON "report_schedules" USING btree ("tenant_id","created_by");--> statement-breakpoint
CREATE INDEX "report_schedules_due_idx" ON "report_schedules" USING btree ("next_run_at") WHERE "report_schedules"."is_active";--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "report_runs" AS PERMISSIVE FOR ALL TO "salesops_app" USING ("report_runs"."tenant_id" = nullif(current_setting('app.tenant_id', true), '')::uuid) WITH CHECK ("report_runs"."tenant_id" = nullif(current_setting('app.tenant_id', true), '')::uuid);--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "report_schedules" AS PERMISSIVE FOR ALL TO "salesops_app" USING ("report_schedules"."tenant_id" = nullif(current_setting('app.tenant_id', true), '')::uuid) WITH CHECK ("report_schedules"."tenant_id" = nullif(current_setting('app.tenant_id', true), '')::uuid);