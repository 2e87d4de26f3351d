CREATE TABLE "customers" (
	"tenant_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"code" text NOT NULL,
	"name" text NOT NULL,
	"legal_name" text,
	"industry" text,
	"segment" text,
	"tags" text[] DEFAULT '{}'::text[] NOT NULL,
	"contact_name" text,
	"email" text,
	"phone" text,
	"addresses" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"inn" text,
	"kpp" text,
	"ogrn" text,
	"is_customer" boolean DEFAULT true NOT NULL,
	"is_supplier" boolean DEFAULT false NOT NULL,
	"owner_id" uuid,
	"status" text DEFAULT 'active' NOT NULL,
	"contract_start" date,
	"contract_end" date,
	"contract_value" numeric(18, 2),
	"currency" text,
	"archived_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "customers_tenant_id_id_pk" PRIMARY KEY("tenant_id","id"),
	CONSTRAINT "customers_status_check" CHECK ("customers"."status" in ('onboarding', 'active', 'at_risk', 'churned')),
	CONSTRAINT "customers_contract_dates_check" CHECK ("customers"."contract_end" is null or "customers"."contract_start" is null or "customers"."contract_end" >= "customers"."contract_start")
);
--> statement-breakpoint
ALTER TABLE "customers" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "external_refs" (
	"tenant_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"provider" text NOT NULL,
	"entity_type" text NOT NULL,
	"external_id" text NOT NULL,
	"entity_id" uuid NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "external_refs_tenant_id_id_pk" PRIMARY KEY("tenant_id","id")
);
--> statement-breakpoint
ALTER TABLE "external_refs" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "outlets" (
	"tenant_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"code" text NOT NULL,
	"name" text NOT NULL,
	"address" text,
	"latitude" double precision,
	"longitude" double precision,
	"geofence_radius_m" integer DEFAULT 100 NOT NULL,
	"type" text DEFAULT 'store' NOT NULL,
	"org_unit_id" uuid,
	"customer_id" uuid,
	"archived_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "outlets_tenant_id_id_pk" PRIMARY KEY("tenant_id","id"),
	CONSTRAINT "outlets_latitude_check" CHECK ("outlets"."latitude" is null or "outlets"."latitude" between -90 and 90),
	CONSTRAINT "outlets_longitude_check" CHECK ("outlets"."longitude" is null or "outlets"."longitude" between -180 and 180),
	CONSTRAINT "outlets_lat_lng_pair_check" CHECK (("outlets"."latitude" is null) = ("outlets"."longitude" is null)),
	CONSTRAINT "outlets_geofence_check" CHECK ("outlets"."geofence_radius_m" > 0)
);
--> statement-breakpoint
ALTER TABLE "outlets" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "warehouses" (
	"tenant_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"code" text NOT NULL,
	"name" text NOT NULL,
	"address" text,
	"archived_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "warehouses_tenant_id_id_pk" PRIMARY KEY("tenant_id","id")
);
--> statement-breakpoint
ALTER TABLE "warehouses" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "customers" ADD CONSTRAINT "customers_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "customers" ADD CONSTRAINT "customers_tenant_id_owner_id_users_tenant_id_id_fk" FOREIGN KEY ("tenant_id","owner_id") REFERENCES "public"."users"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "external_refs" ADD CONSTRAINT "external_refs_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "outlets" ADD CONSTRAINT "outlets_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "outlets" ADD CONSTRAINT "outlets_tenant_id_org_unit_id_org_units_tenant_id_id_fk" FOREIGN KEY ("tenant_id","org_unit_id") REFERENCES "public"."org_units"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "outlets" ADD CONSTRAINT "outlets_tenant_id_customer_id_customers_tenant_id_id_fk" FOREIGN KEY ("tenant_id","customer_id") REFERENCES "public"."customers"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "warehouses" ADD CONSTRAINT "warehouses_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "customers_tenant_code_key" ON "customers" USING btree ("tenant_id","code");--> statement-breakpoint
CREATE INDEX "customers_tenant_owner_idx" ON "customers" USING btree ("tenant_id","owner_id");--> statement-breakpoint
CREATE INDEX "customers_tenant_industry_idx" ON "customers" USING btree ("tenant_id","industry");--> statement-breakpoint
CREATE UNIQUE INDEX "external_refs_tenant_provider_key" ON "external_refs" USING btree ("tenant_id","provider","entity_type","external_id");--> statement-breakpoint
CREATE INDEX "external_refs_tenant_entity_idx" ON "external_refs" USING btree ("tenant_id","entity_type","entity_id");--> statement-breakpoint
CREATE UNIQUE INDEX "outlets_tenant_code_key" ON "outlets" USING btree ("tenant_id","code");--> statement-breakpoint
CREATE INDEX "outlets_tenant_lat_lng_idx" ON "outlets" USING btree ("tenant_id","latitude","longitude");--> statement-breakpoint
CREATE INDEX "outlets_tenant_org_unit_idx" ON "outlets" USING btree ("tenant_id","org_unit_id");--> statement-breakpoint
CREATE INDEX "outlets_tenant_customer_idx" ON "outlets" USING btree ("tenant_id","customer_id");--> statement-breakpoint
CREATE UNIQUE INDEX "warehouses_tenant_code_key" ON "warehouses" USING btree ("tenant_id","code");--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "customers" AS PERMISSIVE FOR ALL TO "salesops_app" USING ("customers"."tenant_id" = nullif(current_setting('app.tenant_id', true), '')::uuid) WITH CHECK ("customers"."tenant_id" = nullif(current_setting('app.tenant_id', true), '')::uuid);--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "external_refs" AS PERMISSIVE FOR ALL TO "salesops_app" USING ("external_refs"."tenant_id" = nullif(current_setting('app.tenant_id', true), '')::uuid) WITH CHECK ("external_refs"."tenant_id" = nullif(current_setting('app.tenant_id', true), '')::uuid);--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "outlets" AS PERMISSIVE FOR ALL TO "salesops_app" USING ("outlets"."tenant_id" = nullif(current_setting('app.tenant_id', true), '')::uuid) WITH CHECK ("outlets"."tenant_id" = nullif(current_setting('app.tenant_id', true), '')::uuid);--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "warehouses" AS PERMISSIVE FOR ALL TO "salesops_app" USING ("warehouses"."tenant_id" = nullif(current_setting('app.tenant_id', true), '')::uuid) WITH CHECK ("warehouses"."tenant_id" = nullif(current_setting('app.tenant_id', true), '')::uuid);