CREATE TABLE "field_daily_tenant_totals" (
	"tenant_id" uuid NOT NULL,
	"day" date NOT NULL,
	"bucket" smallint NOT NULL,
	"visits_planned" integer DEFAULT 0 NOT NULL,
	"visits_completed" integer DEFAULT 0 NOT NULL,
	"surveys_completed" integer DEFAULT 0 NOT NULL,
	"geofence_verified" integer DEFAULT 0 NOT NULL,
	"geofence_inside" integer DEFAULT 0 NOT NULL,
	"photos" integer DEFAULT 0 NOT NULL,
	"share_own_bp" bigint DEFAULT 0 NOT NULL,
	"share_all_bp" bigint DEFAULT 0 NOT NULL,
	CONSTRAINT "field_daily_tenant_totals_tenant_id_day_bucket_pk" PRIMARY KEY("tenant_id","day","bucket")
);
--> statement-breakpoint
ALTER TABLE "field_daily_tenant_totals" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "field_daily_totals" (
	"tenant_id" uuid NOT NULL,
	"agent_id" uuid NOT NULL,
	"day" date NOT NULL,
	"visits_planned" integer DEFAULT 0 NOT NULL,
	"visits_completed" integer DEFAULT 0 NOT NULL,
	"surveys_completed" integer DEFAULT 0 NOT NULL,
	"geofence_verified" integer DEFAULT 0 NOT NULL,
	"geofence_inside" integer DEFAULT 0 NOT NULL,
	"photos" integer DEFAULT 0 NOT NULL,
	"share_own_bp" bigint DEFAULT 0 NOT NULL,
	"share_all_bp" bigint DEFAULT 0 NOT NULL,
	CONSTRAINT "field_daily_totals_tenant_id_agent_id_day_pk" PRIMARY KEY("tenant_id","agent_id","day")
);
--> statement-breakpoint
ALTER TABLE "field_daily_totals" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "field_daily_tenant_totals" AS PERMISSIVE FOR ALL TO "salesops_app" USING ("field_daily_tenant_totals"."tenant_id" = nullif(current_setting('app.tenant_id', true), '')::uuid) WITH CHECK ("field_daily_tenant_totals"."tenant_id" = nullif(current_setting('app.tenant_id', true), '')::uuid);--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "field_daily_totals" AS PERMISSIVE FOR ALL TO "salesops_app" USING ("field_daily_totals"."tenant_id" = nullif(current_setting('app.tenant_id', true), '')::uuid) WITH CHECK ("field_daily_totals"."tenant_id" = nullif(current_setting('app.tenant_id', true), '')::uuid);