CREATE TABLE "forecast_lines" (
	"tenant_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"forecast_id" uuid NOT NULL,
	"month" date NOT NULL,
	"quantity" numeric(18, 3) NOT NULL,
	"price_override" numeric(18, 2),
	"price" numeric(18, 2) NOT NULL,
	"revenue" numeric(18, 2) NOT NULL,
	CONSTRAINT "forecast_lines_tenant_id_id_pk" PRIMARY KEY("tenant_id","id"),
	CONSTRAINT "forecast_lines_month_check" CHECK (extract(day from "forecast_lines"."month") = 1),
	CONSTRAINT "forecast_lines_quantity_check" CHECK ("forecast_lines"."quantity" >= 0),
	CONSTRAINT "forecast_lines_price_check" CHECK ("forecast_lines"."price" >= 0 and ("forecast_lines"."price_override" is null or "forecast_lines"."price_override" >= 0))
);
--> statement-breakpoint
ALTER TABLE "forecast_lines" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "forecasts" (
	"tenant_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"cycle_id" uuid NOT NULL,
	"customer_id" uuid NOT NULL,
	"product_id" uuid NOT NULL,
	"rep_id" uuid NOT NULL,
	"status" text DEFAULT 'draft' NOT NULL,
	"comment" text,
	"submitted_at" timestamp with time zone,
	"approved_at" timestamp with time zone,
	"rejected_at" timestamp with time zone,
	"decided_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "forecasts_tenant_id_id_pk" PRIMARY KEY("tenant_id","id"),
	CONSTRAINT "forecasts_status_check" CHECK ("forecasts"."status" in ('draft', 'submitted', 'approved', 'rejected'))
);
--> statement-breakpoint
ALTER TABLE "forecasts" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "product_customer_matrix" (
	"tenant_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"customer_id" uuid NOT NULL,
	"product_id" uuid NOT NULL,
	"price" numeric(18, 2) NOT NULL,
	"currency" text NOT NULL,
	"rep_id" uuid,
	"is_active" boolean DEFAULT true NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "product_customer_matrix_tenant_id_id_pk" PRIMARY KEY("tenant_id","id"),
	CONSTRAINT "product_customer_matrix_price_check" CHECK ("product_customer_matrix"."price" >= 0),
	CONSTRAINT "product_customer_matrix_currency_check" CHECK ("product_customer_matrix"."currency" ~ '^[A-Z]{3}$')
);
--> statement-breakpoint
ALTER TABLE "product_customer_matrix" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "sales_history" (
	"tenant_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"customer_id" uuid NOT NULL,
	"product_id" uuid NOT NULL,
	"month" date NOT NULL,
	"quantity" numeric(18, 3) NOT NULL,
	"revenue" numeric(18, 2) NOT NULL,
	"cost" numeric(18, 2) DEFAULT '0' NOT NULL,
	"rep_id" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "sales_history_tenant_id_id_pk" PRIMARY KEY("tenant_id","id"),
	CONSTRAINT "sales_history_month_check" CHECK (extract(day from "sales_history"."month") = 1),
	CONSTRAINT "sales_history_quantity_check" CHECK ("sales_history"."quantity" >= 0)
);
--> statement-breakpoint
ALTER TABLE "sales_history" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "sop_cycles" (
	"tenant_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"name" text NOT NULL,
	"anchor_month" date NOT NULL,
	"start_date" date NOT NULL,
	"end_date" date NOT NULL,
	"status" text DEFAULT 'draft' NOT NULL,
	"opened_at" timestamp with time zone,
	"opened_by" uuid,
	"closed_at" timestamp with time zone,
	"closed_by" uuid,
	"reminded_at" timestamp with time zone,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "sop_cycles_tenant_id_id_pk" PRIMARY KEY("tenant_id","id"),
	CONSTRAINT "sop_cycles_status_check" CHECK ("sop_cycles"."status" in ('draft', 'open', 'closed')),
	CONSTRAINT "sop_cycles_anchor_month_check" CHECK (extract(day from "sop_cycles"."anchor_month") = 1),
	CONSTRAINT "sop_cycles_dates_check" CHECK ("sop_cycles"."end_date" >= "sop_cycles"."start_date"),
	CONSTRAINT "sop_cycles_name_check" CHECK (length("sop_cycles"."name") between 1 and 200)
);
--> statement-breakpoint
ALTER TABLE "sop_cycles" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "forecast_lines" ADD CONSTRAINT "forecast_lines_tenant_id_forecast_id_forecasts_tenant_id_id_fk" FOREIGN KEY ("tenant_id","forecast_id") REFERENCES "public"."forecasts"("tenant_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "forecasts" ADD CONSTRAINT "forecasts_tenant_id_cycle_id_sop_cycles_tenant_id_id_fk" FOREIGN KEY ("tenant_id","cycle_id") REFERENCES "public"."sop_cycles"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "forecasts" ADD CONSTRAINT "forecasts_tenant_id_customer_id_customers_tenant_id_id_fk" FOREIGN KEY ("tenant_id","customer_id") REFERENCES "public"."customers"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "forecasts" ADD CONSTRAINT "forecasts_tenant_id_product_id_products_tenant_id_id_fk" FOREIGN KEY ("tenant_id","product_id") REFERENCES "public"."products"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "forecasts" ADD CONSTRAINT "forecasts_tenant_id_rep_id_users_tenant_id_id_fk" FOREIGN KEY ("tenant_id","rep_id") REFERENCES "public"."users"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "forecasts" ADD CONSTRAINT "forecasts_tenant_id_decided_by_users_tenant_id_id_fk" FOREIGN KEY ("tenant_id","decided_by") REFERENCES "public"."users"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "product_customer_matrix" ADD CONSTRAINT "product_customer_matrix_tenant_id_customer_id_customers_tenant_id_id_fk" FOREIGN KEY ("tenant_id","customer_id") REFERENCES "public"."customers"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "product_customer_matrix" ADD CONSTRAINT "product_customer_matrix_tenant_id_product_id_products_tenant_id_id_fk" FOREIGN KEY ("tenant_id","product_id") REFERENCES "public"."products"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "product_customer_matrix" ADD CONSTRAINT "product_customer_matrix_tenant_id_rep_id_users_tenant_id_id_fk" FOREIGN KEY ("tenant_id","rep_id") REFERENCES "public"."users"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sales_history" ADD CONSTRAINT "sales_history_tenant_id_customer_id_customers_tenant_id_id_fk" FOREIGN KEY ("tenant_id","customer_id") REFERENCES "public"."customers"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sales_history" ADD CONSTRAINT "sales_history_tenant_id_product_id_products_tenant_id_id_fk" FOREIGN KEY ("tenant_id","product_id") REFERENCES "public"."products"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sales_history" ADD CONSTRAINT "sales_history_tenant_id_rep_id_users_tenant_id_id_fk" FOREIGN KEY ("tenant_id","rep_id") REFERENCES "public"."users"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sop_cycles" ADD CONSTRAINT "sop_cycles_tenant_id_opened_by_users_tenant_id_id_fk" FOREIGN KEY ("tenant_id","opened_by") REFERENCES "public"."users"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sop_cycles" ADD CONSTRAINT "sop_cycles_tenant_id_closed_by_users_tenant_id_id_fk" FOREIGN KEY ("tenant_id","closed_by") REFERENCES "public"."users"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sop_cycles" ADD CONSTRAINT "sop_cycles_tenant_id_created_by_users_tenant_id_id_fk" FOREIGN KEY ("tenant_id","created_by") REFERENCES "public"."users"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "forecast_lines_tenant_forecast_month_uq" ON "forecast_lines" USING btree ("tenant_id","forecast_id","month");--> statement-breakpoint
CREATE UNIQUE INDEX "forecasts_one_live_uq" ON "forecasts" USING btree ("tenant_id","cycle_id","customer_id","product_id","rep_id") WHERE "forecasts"."status" <> 'rejected';--> statement-breakpoint
CREATE INDEX "forecasts_tenant_cycle_rep_idx" ON "forecasts" USING btree ("tenant_id","cycle_id","rep_id");--> statement-breakpoint
CREATE UNIQUE INDEX "product_customer_matrix_tenant_customer_product_uq" ON "product_customer_matrix" USING btree ("tenant_id","customer_id","product_id");--> statement-breakpoint
CREATE INDEX "product_customer_matrix_tenant_rep_idx" ON "product_customer_matrix" USING btree ("tenant_id","rep_id");--> statement-breakpoint
CREATE INDEX "product_customer_matrix_tenant_product_idx" ON "product_customer_matrix" USING btree ("tenant_id","product_id");--> statement-breakpoint
CREATE UNIQUE INDEX "sales_history_tenant_customer_product_month_uq" ON "sales_history" USING btree ("tenant_id","customer_id","product_id","month");--> statement-breakpoint
CREATE INDEX "sales_history_tenant_month_idx" ON "sales_history" USING btree ("tenant_id","month");--> statement-breakpoint
CREATE INDEX "sales_history_tenant_product_month_idx" ON "sales_history" USING btree ("tenant_id","product_id","month");--> statement-breakpoint
CREATE INDEX "sales_history_tenant_rep_month_idx" ON "sales_history" USING btree ("tenant_id","rep_id","month");--> statement-breakpoint
CREATE UNIQUE INDEX "sop_cycles_one_open_uq" ON "sop_cycles" USING btree ("tenant_id") WHERE "sop_cycles"."status" = 'open';--> statement-breakpoint
CREATE INDEX "sop_cycles_tenant_status_idx" ON "sop_cycles" USING btree ("tenant_id","status");--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "forecast_lines" AS PERMISSIVE FOR ALL TO "salesops_app" USING ("forecast_lines"."tenant_id" = nullif(current_setting('app.tenant_id', true), '')::uuid) WITH CHECK ("forecast_lines"."tenant_id" = nullif(current_setting('app.tenant_id', true), '')::uuid);--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "forecasts" AS PERMISSIVE FOR ALL TO "salesops_app" USING ("forecasts"."tenant_id" = nullif(current_setting('app.tenant_id', true), '')::uuid) WITH CHECK ("forecasts"."tenant_id" = nullif(current_setting('app.tenant_id', true), '')::uuid);--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "product_customer_matrix" AS PERMISSIVE FOR ALL TO "salesops_app" USING ("product_customer_matrix"."tenant_id" = nullif(current_setting('app.tenant_id', true), '')::uuid) WITH CHECK ("product_customer_matrix"."tenant_id" = nullif(current_setting('app.tenant_id', true), '')::uuid);--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "sales_history" AS PERMISSIVE FOR ALL TO "salesops_app" USING ("sales_history"."tenant_id" = nullif(current_setting('app.tenant_id', true), '')::uuid) WITH CHECK ("sales_history"."tenant_id" = nullif(current_setting('app.tenant_id', true), '')::uuid);--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "sop_cycles" AS PERMISSIVE FOR ALL TO "salesops_app" USING ("sop_cycles"."tenant_id" = nullif(current_setting('app.tenant_id', true), '')::uuid) WITH CHECK ("sop_cycles"."tenant_id" = nullif(current_setting('app.tenant_id', true), '')::uuid);