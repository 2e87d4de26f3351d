CREATE TABLE "bonus_payout_exports" (
	"tenant_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"run_id" uuid NOT NULL,
	"format" text NOT NULL,
	"file_key" text NOT NULL,
	"file_size" integer NOT NULL,
	"sha256" text NOT NULL,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "bonus_payout_exports_tenant_id_id_pk" PRIMARY KEY("tenant_id","id"),
	CONSTRAINT "bonus_payout_exports_format_check" CHECK ("bonus_payout_exports"."format" in ('csv', 'xlsx', 'pdf'))
);
--> statement-breakpoint
ALTER TABLE "bonus_payout_exports" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "bonus_rule_sets" (
	"tenant_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"name" text NOT NULL,
	"description" text,
	"valid_from" date,
	"valid_to" date,
	"active" boolean DEFAULT true NOT NULL,
	"currency" text NOT NULL,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "bonus_rule_sets_tenant_id_id_pk" PRIMARY KEY("tenant_id","id"),
	CONSTRAINT "bonus_rule_sets_currency_check" CHECK ("bonus_rule_sets"."currency" ~ '^[A-Z]{3}$'),
	CONSTRAINT "bonus_rule_sets_dates_check" CHECK ("bonus_rule_sets"."valid_to" is null or "bonus_rule_sets"."valid_from" is null or "bonus_rule_sets"."valid_from" <= "bonus_rule_sets"."valid_to")
);
--> statement-breakpoint
ALTER TABLE "bonus_rule_sets" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "bonus_rules" (
	"tenant_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"rule_set_id" uuid NOT NULL,
	"code" text NOT NULL,
	"name" text NOT NULL,
	"type" text NOT NULL,
	"priority" integer NOT NULL,
	"amount_type" text DEFAULT 'fixed' NOT NULL,
	"amount" numeric(18, 4) DEFAULT '0' NOT NULL,
	"basis" text,
	"target" numeric(18, 2),
	"tiers" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"conditions" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"cap_per_item" numeric(18, 2),
	"cap_per_agent" numeric(18, 2),
	"active" boolean DEFAULT true NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "bonus_rules_tenant_id_id_pk" PRIMARY KEY("tenant_id","id"),
	CONSTRAINT "bonus_rules_type_check" CHECK ("bonus_rules"."type" in ('per_conversion', 'per_lead', 'per_target', 'tier')),
	CONSTRAINT "bonus_rules_amount_type_check" CHECK ("bonus_rules"."amount_type" in ('fixed', 'percent'))
);
--> statement-breakpoint
ALTER TABLE "bonus_rules" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "bonus_run_items" (
	"tenant_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"run_id" uuid NOT NULL,
	"seq" integer NOT NULL,
	"agent_id" uuid NOT NULL,
	"rule_id" uuid,
	"rule_code" text NOT NULL,
	"conversion_id" uuid,
	"lead_id" uuid,
	"outlet_id" uuid,
	"campaign_id" uuid,
	"occurred_at" timestamp with time zone NOT NULL,
	"base_amount" numeric(18, 2) NOT NULL,
	"amount" numeric(18, 2) NOT NULL,
	"capped" boolean DEFAULT false NOT NULL,
	"explanation" text NOT NULL,
	CONSTRAINT "bonus_run_items_tenant_id_id_pk" PRIMARY KEY("tenant_id","id")
);
--> statement-breakpoint
ALTER TABLE "bonus_run_items" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "bonus_runs" (
	"tenant_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"rule_set_id" uuid,
	"period_start" date NOT NULL,
	"period_end" date NOT NULL,
	"status" text DEFAULT 'pending' NOT NULL,
	"currency" text NOT NULL,
	"total_amount" numeric(18, 2) DEFAULT '0' NOT NULL,
	"item_count" integer DEFAULT 0 NOT NULL,
	"agent_count" integer DEFAULT 0 NOT NULL,
	"error" text,
	"snapshot" jsonb,
	"input_digest" text,
	"requested_by" uuid,
	"started_at" timestamp with time zone,
	"completed_at" timestamp with time zone,
	"approved_at" timestamp with time zone,
	"approved_by" uuid,
	"paid_at" timestamp with time zone,
	"paid_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "bonus_runs_tenant_id_id_pk" PRIMARY KEY("tenant_id","id"),
	CONSTRAINT "bonus_runs_status_check" CHECK ("bonus_runs"."status" in ('pending', 'running', 'completed', 'failed', 'approved', 'paid')),
	CONSTRAINT "bonus_runs_period_check" CHECK ("bonus_runs"."period_start" <= "bonus_runs"."period_end")
);
--> statement-breakpoint
ALTER TABLE "bonus_runs" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "bonus_payout_exports" ADD CONSTRAINT "bonus_payout_exports_tenant_run_fk" FOREIGN KEY ("tenant_id","run_id") REFERENCES "public"."bonus_runs"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "bonus_payout_exports" ADD CONSTRAINT "bonus_payout_exports_tenant_id_created_by_users_tenant_id_id_fk" FOREIGN KEY ("tenant_id","created_by") REFERENCES "public"."users"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "bonus_rule_sets" ADD CONSTRAINT "bonus_rule_sets_tenant_id_created_by_users_tenant_id_id_fk" FOREIGN KEY ("tenant_id","created_by") REFERENCES "public"."users"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "bonus_rules" ADD CONSTRAINT "bonus_rules_tenant_rule_set_fk" FOREIGN KEY ("tenant_id","rule_set_id") REFERENCES "public"."bonus_rule_sets"("tenant_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "bonus_run_items" ADD CONSTRAINT "bonus_run_items_tenant_run_fk" FOREIGN KEY ("tenant_id","run_id") REFERENCES "public"."bonus_runs"("tenant_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "bonus_run_items" ADD CONSTRAINT "bonus_run_items_tenant_id_agent_id_users_tenant_id_id_fk" FOREIGN KEY ("tenant_id","agent_id") REFERENCES "public"."users"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "bonus_run_items" ADD CONSTRAINT "bonus_run_items_tenant_conversion_fk" FOREIGN KEY ("tenant_id","conversion_id") REFERENCES "public"."conversions"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "bonus_run_items" ADD CONSTRAINT "bonus_run_items_tenant_lead_fk" FOREIGN KEY ("tenant_id","lead_id") REFERENCES "public"."leads"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "bonus_run_items" ADD CONSTRAINT "bonus_run_items_tenant_id_outlet_id_outlets_tenant_id_id_fk" FOREIGN KEY ("tenant_id","outlet_id") REFERENCES "public"."outlets"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "bonus_run_items" ADD CONSTRAINT "bonus_run_items_tenant_campaign_fk" FOREIGN KEY ("tenant_id","campaign_id") REFERENCES "public"."campaigns"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "bonus_runs" ADD CONSTRAINT "bonus_runs_tenant_rule_set_fk" FOREIGN KEY ("tenant_id","rule_set_id") REFERENCES "public"."bonus_rule_sets"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "bonus_runs" ADD CONSTRAINT "bonus_runs_tenant_id_requested_by_users_tenant_id_id_fk" FOREIGN KEY ("tenant_id","requested_by") REFERENCES "public"."users"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "bonus_payout_exports_run_idx" ON "bonus_payout_exports" USING btree ("tenant_id","run_id");--> statement-breakpoint
CREATE UNIQUE INDEX "bonus_rules_set_code_key" ON "bonus_rules" USING btree ("tenant_id","rule_set_id","code");--> statement-breakpoint
CREATE UNIQUE INDEX "bonus_rules_set_priority_key" ON "bonus_rules" USING btree ("tenant_id","rule_set_id","priority");--> statement-breakpoint
CREATE UNIQUE INDEX "bonus_run_items_run_seq_key" ON "bonus_run_items" USING btree ("tenant_id","run_id","seq");--> statement-breakpoint
CREATE INDEX "bonus_run_items_run_agent_idx" ON "bonus_run_items" USING btree ("tenant_id","run_id","agent_id","seq");--> statement-breakpoint
CREATE INDEX "bonus_runs_tenant_period_idx" ON "bonus_runs" USING btree ("tenant_id","period_start");--> statement-breakpoint
CREATE INDEX "bonus_runs_tenant_rule_set_idx" ON "bonus_runs" USING btree ("tenant_id","rule_set_id");--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "bonus_payout_exports" AS PERMISSIVE FOR ALL TO "salesops_app" USING ("bonus_payout_exports"."tenant_id" = nullif(current_setting('app.tenant_id', true), '')::uuid) WITH CHECK ("bonus_payout_exports"."tenant_id" = nullif(current_setting('app.tenant_id', true), '')::uuid);--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "bonus_rule_sets" AS PERMISSIVE FOR ALL TO "salesops_app" USING ("bonus_rule_sets"."tenant_id" = nullif(current_setting('app.tenant_id', true), '')::uuid) WITH CHECK ("bonus_rule_sets"."tenant_id" = nullif(current_setting('app.tenant_id', true), '')::uuid);--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "bonus_rules" AS PERMISSIVE FOR ALL TO "salesops_app" USING ("bonus_rules"."tenant_id" = nullif(current_setting('app.tenant_id', true), '')::uuid) WITH CHECK ("bonus_rules"."tenant_id" = nullif(current_setting('app.tenant_id', true), '')::uuid);--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "bonus_run_items" AS PERMISSIVE FOR ALL TO "salesops_app" USING ("bonus_run_items"."tenant_id" = nullif(current_setting('app.tenant_id', true), '')::uuid) WITH CHECK ("bonus_run_items"."tenant_id" = nullif(current_setting('app.tenant_id', true), '')::uuid);--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "bonus_runs" AS PERMISSIVE FOR ALL TO "salesops_app" USING ("bonus_runs"."tenant_id" = nullif(current_setting('app.tenant_id', true), '')::uuid) WITH CHECK ("bonus_runs"."tenant_id" = nullif(current_setting('app.tenant_id', true), '')::uuid);