CREATE TABLE "attribution_sources" (
	"tenant_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"code" text NOT NULL,
	"name" text NOT NULL,
	"description" text,
	"archived_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "attribution_sources_tenant_id_id_pk" PRIMARY KEY("tenant_id","id")
);
--> statement-breakpoint
ALTER TABLE "attribution_sources" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "campaign_outlets" (
	"tenant_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"campaign_id" uuid NOT NULL,
	"outlet_id" uuid NOT NULL,
	CONSTRAINT "campaign_outlets_tenant_id_id_pk" PRIMARY KEY("tenant_id","id"),
	CONSTRAINT "campaign_outlets_tenant_campaign_outlet_key" UNIQUE("tenant_id","campaign_id","outlet_id")
);
--> statement-breakpoint
ALTER TABLE "campaign_outlets" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "campaign_products" (
	"tenant_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"campaign_id" uuid NOT NULL,
	"product_id" uuid NOT NULL,
	CONSTRAINT "campaign_products_tenant_id_id_pk" PRIMARY KEY("tenant_id","id"),
	CONSTRAINT "campaign_products_tenant_campaign_product_key" UNIQUE("tenant_id","campaign_id","product_id")
);
--> statement-breakpoint
ALTER TABLE "campaign_products" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "campaigns" (
	"tenant_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"code" text NOT NULL,
	"name" text NOT NULL,
	"description" text,
	"status" text DEFAULT 'planned' NOT NULL,
	"start_date" date,
	"end_date" date,
	"budget" numeric(18, 2),
	"spend" numeric(18, 2) DEFAULT '0' NOT NULL,
	"currency" text NOT NULL,
	"brand_id" uuid,
	"created_by" uuid,
	"activated_at" timestamp with time zone,
	"ended_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "campaigns_tenant_id_id_pk" PRIMARY KEY("tenant_id","id"),
	CONSTRAINT "campaigns_status_check" CHECK ("campaigns"."status" in ('planned', 'active', 'ended')),
	CONSTRAINT "campaigns_dates_check" CHECK ("campaigns"."end_date" is null or "campaigns"."start_date" is null or "campaigns"."end_date" >= "campaigns"."start_date"),
	CONSTRAINT "campaigns_budget_check" CHECK ("campaigns"."budget" is null or "campaigns"."budget" >= 0),
	CONSTRAINT "campaigns_spend_check" CHECK ("campaigns"."spend" >= 0),
	CONSTRAINT "campaigns_currency_check" CHECK ("campaigns"."currency" ~ '^[A-Z]{3}$')
);
--> statement-breakpoint
ALTER TABLE "campaigns" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "lead_interactions" (
	"tenant_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"lead_id" uuid NOT NULL,
	"agent_id" uuid NOT NULL,
	"type" text NOT NULL,
	"outcome" text,
	"notes" text,
	"occurred_at" timestamp with time zone NOT NULL,
	"next_action_date" date,
	"next_action" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "lead_interactions_tenant_id_id_pk" PRIMARY KEY("tenant_id","id"),
	CONSTRAINT "lead_interactions_type_check" CHECK ("lead_interactions"."type" in ('call', 'visit', 'message', 'reminder', 'verification'))
);
--> statement-breakpoint
ALTER TABLE "lead_interactions" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "lead_status_history" (
	"tenant_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"lead_id" uuid NOT NULL,
	"from_status" text,
	"to_status" text NOT NULL,
	"reason" text,
	"changed_by" uuid,
	"changed_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "lead_status_history_tenant_id_id_pk" PRIMARY KEY("tenant_id","id")
);
--> statement-breakpoint
ALTER TABLE "lead_status_history" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "leads" (
	"tenant_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"client_uuid" uuid NOT NULL,
	"customer_name" text NOT NULL,
	"phone" text NOT NULL,
	"document_number" text,
	"product_id" uuid,
	"campaign_id" uuid,
	"source_id" uuid,
	"agent_id" uuid NOT NULL,
	"outlet_id" uuid,
	"status" text DEFAULT 'new' NOT NULL,
	"status_changed_at" timestamp with time zone DEFAULT now() NOT NULL,
	"captured_at" timestamp with time zone NOT NULL,
	"received_at" timestamp with time zone DEFAULT now() NOT NULL,
	"latitude" double precision,
	"longitude" double precision,
	"accuracy_m" double precision,
	"notes" text,
	"duplicate_of" uuid,
	"merged_at" timestamp with time zone,
	"merged_by" uuid,
	"next_action_date" date,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "leads_tenant_id_id_pk" PRIMARY KEY("tenant_id","id"),
	CONSTRAINT "leads_status_check" CHECK ("leads"."status" in ('new', 'contacted', 'qualified', 'converted', 'rejected', 'expired')),
	CONSTRAINT "leads_phone_check" CHECK ("leads"."phone" ~ '^\+[1-9][0-9]{6,14}$'),
	CONSTRAINT "leads_not_own_duplicate_check" CHECK ("leads"."duplicate_of" is null or "leads"."duplicate_of" <> "leads"."id"),
	CONSTRAINT "leads_merged_check" CHECK ("leads"."merged_at" is null or "leads"."duplicate_of" is not null),
	CONSTRAINT "leads_latitude_check" CHECK ("leads"."latitude" is null or "leads"."latitude" between -90 and 90),
	CONSTRAINT "leads_longitude_check" CHECK ("leads"."longitude" is null or "leads"."longitude" between -180 and 180)
);
--> statement-breakpoint
ALTER TABLE "leads" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "attribution_sources" ADD CONSTRAINT "attribution_sources_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "campaign_outlets" ADD CONSTRAINT "campaign_outlets_tenant_id_campaign_id_campaigns_tenant_id_id_fk" FOREIGN KEY ("tenant_id","campaign_id") REFERENCES "public"."campaigns"("tenant_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "campaign_outlets" ADD CONSTRAINT "campaign_outlets_tenant_id_outlet_id_outlets_tenant_id_id_fk" FOREIGN KEY ("tenant_id","outlet_id") REFERENCES "public"."outlets"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "campaign_products" ADD CONSTRAINT "campaign_products_tenant_id_campaign_id_campaigns_tenant_id_id_fk" FOREIGN KEY ("tenant_id","campaign_id") REFERENCES "public"."campaigns"("tenant_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "campaign_products" ADD CONSTRAINT "campaign_products_tenant_id_product_id_products_tenant_id_id_fk" FOREIGN KEY ("tenant_id","product_id") REFERENCES "public"."products"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "campaigns" ADD CONSTRAINT "campaigns_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "campaigns" ADD CONSTRAINT "campaigns_tenant_id_brand_id_brands_tenant_id_id_fk" FOREIGN KEY ("tenant_id","brand_id") REFERENCES "public"."brands"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "campaigns" ADD CONSTRAINT "campaigns_tenant_id_created_by_users_tenant_id_id_fk" FOREIGN KEY ("tenant_id","created_by") REFERENCES "public"."users"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "lead_interactions" ADD CONSTRAINT "lead_interactions_tenant_id_lead_id_leads_tenant_id_id_fk" FOREIGN KEY ("tenant_id","lead_id") REFERENCES "public"."leads"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "lead_interactions" ADD CONSTRAINT "lead_interactions_tenant_id_agent_id_users_tenant_id_id_fk" FOREIGN KEY ("tenant_id","agent_id") REFERENCES "public"."users"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "lead_status_history" ADD CONSTRAINT "lead_status_history_tenant_id_lead_id_leads_tenant_id_id_fk" FOREIGN KEY ("tenant_id","lead_id") REFERENCES "public"."leads"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "lead_status_history" ADD CONSTRAINT "lead_status_history_tenant_id_changed_by_users_tenant_id_id_fk" FOREIGN KEY ("tenant_id","changed_by") REFERENCES "public"."users"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "leads" ADD CONSTRAINT "leads_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "leads" ADD CONSTRAINT "leads_tenant_id_agent_id_users_tenant_id_id_fk" FOREIGN KEY ("tenant_id","agent_id") REFERENCES "public"."users"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "leads" ADD CONSTRAINT "leads_tenant_id_created_by_users_tenant_id_id_fk" FOREIGN KEY ("tenant_id","created_by") REFERENCES "public"."users"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "leads" ADD CONSTRAINT "leads_tenant_id_merged_by_users_tenant_id_id_fk" FOREIGN KEY ("tenant_id","merged_by") REFERENCES "public"."users"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "leads" ADD CONSTRAINT "leads_tenant_id_outlet_id_outlets_tenant_id_id_fk" FOREIGN KEY ("tenant_id","outlet_id") REFERENCES "public"."outlets"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "leads" ADD CONSTRAINT "leads_tenant_id_product_id_products_tenant_id_id_fk" FOREIGN KEY ("tenant_id","product_id") REFERENCES "public"."products"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "leads" ADD CONSTRAINT "leads_tenant_campaign_fk" FOREIGN KEY ("tenant_id","campaign_id") REFERENCES "public"."campaigns"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "leads" ADD CONSTRAINT "leads_tenant_source_fk" FOREIGN KEY ("tenant_id","source_id") REFERENCES "public"."attribution_sources"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "leads" ADD CONSTRAINT "leads_tenant_duplicate_of_fk" FOREIGN KEY ("tenant_id","duplicate_of") REFERENCES "public"."leads"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "attribution_sources_tenant_code_key" ON "attribution_sources" USING btree ("tenant_id","code");--> statement-breakpoint
CREATE INDEX "campaign_outlets_tenant_outlet_idx" ON "campaign_outlets" USING btree ("tenant_id","outlet_id");--> statement-breakpoint
CREATE INDEX "campaign_products_tenant_product_idx" ON "campaign_products" USING btree ("tenant_id","product_id");--> statement-breakpoint
CREATE UNIQUE INDEX "campaigns_tenant_code_key" ON "campaigns" USING btree ("tenant_id","code");--> statement-breakpoint
CREATE INDEX "campaigns_tenant_status_idx" ON "campaigns" USING btree ("tenant_id","status");--> statement-breakpoint
CREATE INDEX "campaigns_tenant_brand_idx" ON "campaigns" USING btree ("tenant_id","brand_id");--> statement-breakpoint
CREATE INDEX "lead_interactions_tenant_lead_idx" ON "lead_interactions" USING btree ("tenant_id","lead_id","occurred_at");--> statement-breakpoint
CREATE INDEX "lead_interactions_tenant_agent_idx" ON "lead_interactions" USING btree ("tenant_id","agent_id","occurred_at");--> statement-breakpoint
CREATE INDEX "lead_status_history_tenant_lead_idx" ON "lead_status_history" USING btree ("tenant_id","lead_id","changed_at");--> statement-breakpoint
CREATE UNIQUE INDEX "leads_tenant_client_uuid_key" ON "leads" USING btree ("tenant_id","client_uuid");--> statement-breakpoint
CREATE INDEX "leads_tenant_phone_campaign_captured_idx" ON "leads" USING btree ("tenant_id","phone","campaign_id","captured_at");--> statement-breakpoint
CREATE INDEX "leads_tenant_agent_captured_idx" ON "leads" USING btree ("tenant_id","agent_id","captured_at");--> statement-breakpoint
CREATE INDEX "leads_tenant_captured_idx" ON "leads" USING btree ("tenant_id","captured_at");--> statement-breakpoint
CREATE INDEX "leads_tenant_campaign_idx" ON "leads" USING btree ("tenant_id","campaign_id");--> statement-breakpoint
CREATE INDEX "leads_tenant_source_idx" ON "leads" USING btree ("tenant_id","source_id");--> statement-breakpoint
CREATE INDEX "leads_tenant_outlet_idx" ON "leads" USING btree ("tenant_id","outlet_id");--> statement-breakpoint
CREATE INDEX "leads_tenant_product_idx" ON "leads" USING btree ("tenant_id","product_id");--> statement-breakpoint
CREATE INDEX "leads_tenant_duplicate_of_idx" ON "leads" USING btree ("tenant_id","duplicate_of");--> statement-breakpoint
CREATE INDEX "leads_tenant_follow_up_idx" ON "leads" USING btree ("tenant_id","next_action_date") WHERE "leads"."next_action_date" is not null;--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "attribution_sources" AS PERMISSIVE FOR ALL TO "salesops_app" USING ("attribution_sources"."tenant_id" = nullif(current_setting('app.tenant_id', true), '')::uuid) WITH CHECK ("attribution_sources"."tenant_id" = nullif(current_setting('app.tenant_id', true), '')::uuid);--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "campaign_outlets" AS PERMISSIVE FOR ALL TO "salesops_app" USING ("campaign_outlets"."tenant_id" = nullif(current_setting('app.tenant_id', true), '')::uuid) WITH CHECK ("campaign_outlets"."tenant_id" = nullif(current_setting('app.tenant_id', true), '')::uuid);--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "campaign_products" AS PERMISSIVE FOR ALL TO "salesops_app" USING ("campaign_products"."tenant_id" = nullif(current_setting('app.tenant_id', true), '')::uuid) WITH CHECK ("campaign_products"."tenant_id" = nullif(current_setting('app.tenant_id', true), '')::uuid);--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "campaigns" AS PERMISSIVE FOR ALL TO "salesops_app" USING ("campaigns"."tenant_id" = nullif(current_setting('app.tenant_id', true), '')::uuid) WITH CHECK ("campaigns"."tenant_id" = nullif(current_setting('app.tenant_id', true), '')::uuid);--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "lead_interactions" AS PERMISSIVE FOR ALL TO "salesops_app" USING ("lead_interactions"."tenant_id" = nullif(current_setting('app.tenant_id', true), '')::uuid) WITH CHECK ("lead_interactions"."tenant_id" = nullif(current_setting('app.tenant_id', true), '')::uuid);--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "lead_status_history" AS PERMISSIVE FOR ALL TO "salesops_app" USING ("lead_status_history"."tenant_id" = nullif(current_setting('app.tenant_id', true), '')::uuid) WITH CHECK ("lead_status_history"."tenant_id" = nullif(current_setting('app.tenant_id', true), '')::uuid);--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "leads" AS PERMISSIVE FOR ALL TO "salesops_app" USING ("leads"."tenant_id" = nullif(current_setting('app.tenant_id', true), '')::uuid) WITH CHECK ("leads"."tenant_id" = nullif(current_setting('app.tenant_id', true), '')::uuid);