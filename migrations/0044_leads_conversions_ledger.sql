CREATE TABLE "conversions" (
	"tenant_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"lead_id" uuid NOT NULL,
	"agent_id" uuid NOT NULL,
	"outlet_id" uuid,
	"campaign_id" uuid,
	"source_id" uuid,
	"product_id" uuid,
	"amount" numeric(18, 2) NOT NULL,
	"cost" numeric(18, 2) DEFAULT '0' NOT NULL,
	"currency" text NOT NULL,
	"converted_at" timestamp with time zone NOT NULL,
	"lead_captured_at" timestamp with time zone NOT NULL,
	"origin" text DEFAULT 'manual' NOT NULL,
	"external_system" text,
	"external_sale_id" text,
	"import_run_id" uuid,
	"notes" text,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "conversions_tenant_id_id_pk" PRIMARY KEY("tenant_id","id"),
	CONSTRAINT "conversions_amount_check" CHECK ("conversions"."amount" >= 0),
	CONSTRAINT "conversions_cost_check" CHECK ("conversions"."cost" >= 0),
	CONSTRAINT "conversions_currency_check" CHECK ("conversions"."currency" ~ '^[A-Z]{3}$'),
	CONSTRAINT "conversions_origin_check" CHECK ("conversions"."origin" in ('manual', 'import')),
	CONSTRAINT "conversions_external_check" CHECK (("conversions"."external_sale_id" is null) = ("conversions"."external_system" is null))
);
--> statement-breakpoint
ALTER TABLE "conversions" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "ledger_entries" (
	"tenant_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"entry_type" text NOT NULL,
	"component" text NOT NULL,
	"amount" numeric(18, 2) NOT NULL,
	"currency" text NOT NULL,
	"occurred_at" timestamp with time zone NOT NULL,
	"agent_id" uuid,
	"outlet_id" uuid,
	"campaign_id" uuid,
	"lead_id" uuid,
	"conversion_id" uuid,
	"bonus_run_id" uuid,
	"bonus_item_id" uuid,
	"reason" text,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "ledger_entries_tenant_id_id_pk" PRIMARY KEY("tenant_id","id"),
	CONSTRAINT "ledger_entries_type_check" CHECK ("ledger_entries"."entry_type" in ('conversion_revenue', 'conversion_cost', 'bonus_accrual', 'payout', 'adjustment')),
	CONSTRAINT "ledger_entries_component_check" CHECK ("ledger_entries"."component" in ('revenue', 'cost', 'bonus', 'payout')),
	CONSTRAINT "ledger_entries_currency_check" CHECK ("ledger_entries"."currency" ~ '^[A-Z]{3}$'),
	CONSTRAINT "ledger_entries_adjustment_reason_check" CHECK ("ledger_entries"."entry_type" <> 'adjustment' or "ledger_entries"."reason" is not null)
);
--> statement-breakpoint
ALTER TABLE "ledger_entries" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "conversions" ADD CONSTRAINT "conversions_tenant_id_lead_id_leads_tenant_id_id_fk" FOREIGN KEY ("tenant_id","lead_id") REFERENCES "public"."leads"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "conversions" ADD CONSTRAINT "conversions_tenant_id_agent_id_users_tenant_id_id_fk" FOREIGN KEY ("tenant_id","agent_id") REFERENCES "public"."users"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "conversions" ADD CONSTRAINT "conversions_tenant_id_created_by_users_tenant_id_id_fk" FOREIGN KEY ("tenant_id","created_by") REFERENCES "public"."users"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "conversions" ADD CONSTRAINT "conversions_tenant_id_outlet_id_outlets_tenant_id_id_fk" FOREIGN KEY ("tenant_id","outlet_id") REFERENCES "public"."outlets"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "conversions" ADD CONSTRAINT "conversions_tenant_id_product_id_products_tenant_id_id_fk" FOREIGN KEY ("tenant_id","product_id") REFERENCES "public"."products"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "conversions" ADD CONSTRAINT "conversions_tenant_campaign_fk" FOREIGN KEY ("tenant_id","campaign_id") REFERENCES "public"."campaigns"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "conversions" ADD CONSTRAINT "conversions_tenant_source_fk" FOREIGN KEY ("tenant_id","source_id") REFERENCES "public"."attribution_sources"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "conversions" ADD CONSTRAINT "conversions_tenant_import_run_fk" FOREIGN KEY ("tenant_id","import_run_id") REFERENCES "public"."import_runs"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ledger_entries" ADD CONSTRAINT "ledger_entries_tenant_id_agent_id_users_tenant_id_id_fk" FOREIGN KEY ("tenant_id","agent_id") REFERENCES "public"."users"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ledger_entries" ADD CONSTRAINT "ledger_entries_tenant_id_created_by_users_tenant_id_id_fk" FOREIGN KEY ("tenant_id","created_by") REFERENCES "public"."users"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ledger_entries" ADD CONSTRAINT "ledger_entries_tenant_id_outlet_id_outlets_tenant_id_id_fk" FOREIGN KEY ("tenant_id","outlet_id") REFERENCES "public"."outlets"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ledger_entries" ADD CONSTRAINT "ledger_entries_tenant_id_lead_id_leads_tenant_id_id_fk" FOREIGN KEY ("tenant_id","lead_id") REFERENCES "public"."leads"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ledger_entries" ADD CONSTRAINT "ledger_entries_tenant_campaign_fk" FOREIGN KEY ("tenant_id","campaign_id") REFERENCES "public"."campaigns"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ledger_entries" ADD CONSTRAINT "ledger_entries_tenant_conversion_fk" FOREIGN KEY ("tenant_id","conversion_id") REFERENCES "public"."conversions"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "conversions_tenant_external_sale_key" ON "conversions" USING btree ("tenant_id","external_system","external_sale_id") WHERE "conversions"."external_sale_id" is not null;--> statement-breakpoint
CREATE INDEX "conversions_tenant_lead_idx" ON "conversions" USING btree ("tenant_id","lead_id");--> statement-breakpoint
CREATE INDEX "conversions_tenant_converted_idx" ON "conversions" USING btree ("tenant_id","converted_at");--> statement-breakpoint
CREATE INDEX "conversions_tenant_agent_converted_idx" ON "conversions" USING btree ("tenant_id","agent_id","converted_at");--> statement-breakpoint
CREATE INDEX "conversions_tenant_outlet_converted_idx" ON "conversions" USING btree ("tenant_id","outlet_id","converted_at");--> statement-breakpoint
CREATE INDEX "conversions_tenant_campaign_idx" ON "conversions" USING btree ("tenant_id","campaign_id");--> statement-breakpoint
CREATE INDEX "ledger_entries_tenant_occurred_idx" ON "ledger_entries" USING btree ("tenant_id","occurred_at");--> statement-breakpoint
CREATE INDEX "ledger_entries_tenant_agent_occurred_idx" ON "ledger_entries" USING btree ("tenant_id","agent_id","occurred_at");--> statement-breakpoint
CREATE INDEX "ledger_entries_tenant_outlet_occurred_idx" ON "ledger_entries" USING btree ("tenant_id","outlet_id","occurred_at");--> statement-breakpoint
CREATE INDEX "ledger_entries_tenant_campaign_idx" ON "ledger_entries" USING btree ("tenant_id","campaign_id");--> statement-breakpoint
CREATE INDEX "ledger_entries_tenant_conversion_idx" ON "ledger_entries" USING btree ("tenant_id","conversion_id");--> statement-breakpoint
CREATE INDEX "ledger_entries_tenant_bonus_run_idx" ON "ledger_entries" USING btree ("tenant_id","bonus_run_id");--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "conversions" AS PERMISSIVE FOR ALL TO "salesops_app" USING ("conversions"."tenant_id" = nullif(current_setting('app.tenant_id', true), '')::uuid) WITH CHECK ("conversions"."tenant_id" = nullif(current_setting('app.tenant_id', true), '')::uuid);--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "ledger_entries" AS PERMISSIVE FOR ALL TO "salesops_app" USING ("ledger_entries"."tenant_id" = nullif(current_setting('app.tenant_id', true), '')::uuid) WITH CHECK ("ledger_entries"."tenant_id" = nullif(current_setting('app.tenant_id', true), '')::uuid);