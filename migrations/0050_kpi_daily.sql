CREATE TABLE "kpi_agent_daily" (
	"tenant_id" uuid NOT NULL,
	"day" date NOT NULL,
	"agent_id" uuid NOT NULL,
	"leads_captured" integer DEFAULT 0 NOT NULL,
	"leads_converted" integer DEFAULT 0 NOT NULL,
	"revenue" numeric(18, 2) DEFAULT '0' NOT NULL,
	"cost" numeric(18, 2) DEFAULT '0' NOT NULL,
	"bonus" numeric(18, 2) DEFAULT '0' NOT NULL,
	"net_profit" numeric(18, 2) DEFAULT '0' NOT NULL,
	"convert_seconds" numeric(20, 3) DEFAULT '0' NOT NULL,
	"convert_count" integer DEFAULT 0 NOT NULL,
	CONSTRAINT "kpi_agent_daily_tenant_id_day_agent_id_pk" PRIMARY KEY("tenant_id","day","agent_id"),
	CONSTRAINT "kpi_agent_daily_counts_check" CHECK ("kpi_agent_daily"."leads_captured" >= 0 and "kpi_agent_daily"."leads_converted" >= 0)
);
--> statement-breakpoint
ALTER TABLE "kpi_agent_daily" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "kpi_outlet_daily" (
	"tenant_id" uuid NOT NULL,
	"day" date NOT NULL,
	"outlet_id" uuid NOT NULL,
	"leads_captured" integer DEFAULT 0 NOT NULL,
	"leads_converted" integer DEFAULT 0 NOT NULL,
	"revenue" numeric(18, 2) DEFAULT '0' NOT NULL,
	"cost" numeric(18, 2) DEFAULT '0' NOT NULL,
	"bonus" numeric(18, 2) DEFAULT '0' NOT NULL,
	"net_profit" numeric(18, 2) DEFAULT '0' NOT NULL,
	"convert_seconds" numeric(20, 3) DEFAULT '0' NOT NULL,
	"convert_count" integer DEFAULT 0 NOT NULL,
	CONSTRAINT "kpi_outlet_daily_tenant_id_day_outlet_id_pk" PRIMARY KEY("tenant_id","day","outlet_id"),
	CONSTRAINT "kpi_outlet_daily_counts_check" CHECK ("kpi_outlet_daily"."leads_captured" >= 0 and "kpi_outlet_daily"."leads_converted" >= 0)
);
--> statement-breakpoint
ALTER TABLE "kpi_outlet_daily" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "kpi_agent_daily" ADD CONSTRAINT "kpi_agent_daily_tenant_id_agent_id_users_tenant_id_id_fk" FOREIGN KEY ("tenant_id","agent_id") REFERENCES "public"."users"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "kpi_outlet_daily" ADD CONSTRAINT "kpi_outlet_daily_tenant_id_outlet_id_outlets_tenant_id_id_fk" FOREIGN KEY ("tenant_id","outlet_id") REFERENCES "public"."outlets"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "kpi_agent_daily" AS PERMISSIVE FOR ALL TO "salesops_app" USING ("kpi_agent_daily"."tenant_id" = nullif(current_setting('app.tenant_id', true), '')::uuid) WITH CHECK ("kpi_agent_daily"."tenant_id" = nullif(current_setting('app.tenant_id', true), '')::uuid);--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "kpi_outlet_daily" AS PERMISSIVE FOR ALL TO "salesops_app" USING ("kpi_outlet_daily"."tenant_id" = nullif(current_setting('app.tenant_id', true), '')::uuid) WITH CHECK ("kpi_outlet_daily"."tenant_id" = nullif(current_setting('app.tenant_id', true), '')::uuid);