CREATE TABLE "commerce_document_positions" (
	"tenant_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"document_id" uuid NOT NULL,
	"line_no" integer NOT NULL,
	"product_id" uuid NOT NULL,
	"variant_id" uuid,
	"quantity" numeric(18, 3) NOT NULL,
	"price" numeric(18, 2) NOT NULL,
	"discount" numeric(5, 2) DEFAULT '0' NOT NULL,
	"vat_rate" numeric(5, 2),
	"sum" numeric(18, 2) NOT NULL,
	"vat_sum" numeric(18, 2) DEFAULT '0' NOT NULL,
	"unit_cost" numeric(18, 2) DEFAULT '0' NOT NULL,
	"reserve" numeric(18, 3) DEFAULT '0' NOT NULL,
	"kind" text NOT NULL,
	"moment" timestamp with time zone NOT NULL,
	"customer_id" uuid,
	"warehouse_id" uuid,
	"owner_id" uuid,
	"active" boolean DEFAULT true NOT NULL,
	CONSTRAINT "commerce_document_positions_tenant_id_id_pk" PRIMARY KEY("tenant_id","id"),
	CONSTRAINT "commerce_document_positions_quantity_check" CHECK ("commerce_document_positions"."quantity" > 0),
	CONSTRAINT "commerce_document_positions_price_check" CHECK ("commerce_document_positions"."price" >= 0),
	CONSTRAINT "commerce_document_positions_discount_check" CHECK ("commerce_document_positions"."discount" between 0 and 100)
);
--> statement-breakpoint
ALTER TABLE "commerce_document_positions" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "commerce_documents" (
	"tenant_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"kind" text NOT NULL,
	"number" text NOT NULL,
	"moment" timestamp with time zone NOT NULL,
	"applicable" boolean DEFAULT true NOT NULL,
	"state" text,
	"customer_id" uuid,
	"warehouse_id" uuid,
	"owner_id" uuid,
	"currency" text NOT NULL,
	"sum" numeric(18, 2) DEFAULT '0' NOT NULL,
	"vat_sum" numeric(18, 2) DEFAULT '0' NOT NULL,
	"cost_sum" numeric(18, 2) DEFAULT '0' NOT NULL,
	"description" text,
	"source" text DEFAULT 'local' NOT NULL,
	"integration_id" uuid,
	"base_document_id" uuid,
	"deleted_at" timestamp with time zone,
	"external_updated_at" timestamp with time zone,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "commerce_documents_tenant_id_id_pk" PRIMARY KEY("tenant_id","id"),
	CONSTRAINT "commerce_documents_kind_check" CHECK (kind in ('customer_order', 'shipment', 'invoice_out', 'sales_return', 'purchase_order', 'supply', 'invoice_in', 'purchase_return')),
	CONSTRAINT "commerce_documents_currency_check" CHECK ("commerce_documents"."currency" ~ '^[A-Z]{3}$')
);
--> statement-breakpoint
ALTER TABLE "commerce_documents" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "integration_watermarks" (
	"tenant_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"integration_id" uuid NOT NULL,
	"entity" text NOT NULL,
	"watermark" timestamp with time zone,
	"last_full_sync_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "integration_watermarks_tenant_id_id_pk" PRIMARY KEY("tenant_id","id")
);
--> statement-breakpoint
ALTER TABLE "integration_watermarks" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "integrations" (
	"tenant_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"provider" text NOT NULL,
	"name" text NOT NULL,
	"base_url" text NOT NULL,
	"auth_type" text NOT NULL,
	"credentials_cipher" text NOT NULL,
	"credentials_key_id" text NOT NULL,
	"webhook_token_cipher" text NOT NULL,
	"account_id" text,
	"entities" text[] DEFAULT '{}'::text[] NOT NULL,
	"sync_interval_minutes" integer DEFAULT 15 NOT NULL,
	"status" text DEFAULT 'active' NOT NULL,
	"credentials_status" text DEFAULT 'unknown' NOT NULL,
	"options" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"last_sync_at" timestamp with time zone,
	"last_success_at" timestamp with time zone,
	"last_error" text,
	"last_error_at" timestamp with time zone,
	"webhooks_registered_at" timestamp with time zone,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "integrations_tenant_id_id_pk" PRIMARY KEY("tenant_id","id"),
	CONSTRAINT "integrations_status_check" CHECK ("integrations"."status" in ('active', 'paused', 'error')),
	CONSTRAINT "integrations_credentials_status_check" CHECK ("integrations"."credentials_status" in ('unknown', 'ok', 'rejected')),
	CONSTRAINT "integrations_auth_type_check" CHECK ("integrations"."auth_type" in ('basic', 'token')),
	CONSTRAINT "integrations_interval_check" CHECK ("integrations"."sync_interval_minutes" between 1 and 10080),
	CONSTRAINT "integrations_base_url_check" CHECK ("integrations"."base_url" ~ '^https?://')
);
--> statement-breakpoint
ALTER TABLE "integrations" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "sync_job_failures" (
	"tenant_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"job_id" uuid NOT NULL,
	"entity" text NOT NULL,
	"external_id" text,
	"reason" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "sync_job_failures_tenant_id_id_pk" PRIMARY KEY("tenant_id","id")
);
--> statement-breakpoint
ALTER TABLE "sync_job_failures" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "sync_jobs" (
	"tenant_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"integration_id" uuid NOT NULL,
	"mode" text NOT NULL,
	"trigger" text NOT NULL,
	"status" text DEFAULT 'queued' NOT NULL,
	"entities" text[] NOT NULL,
	"current_entity" text,
	"cursor" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"counts" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"requests" integer DEFAULT 0 NOT NULL,
	"error" text,
	"cancel_requested" timestamp with time zone,
	"requested_by" uuid,
	"started_at" timestamp with time zone,
	"finished_at" timestamp with time zone,
	"heartbeat_at" timestamp with time zone,
	"attempts" integer DEFAULT 0 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "sync_jobs_tenant_id_id_pk" PRIMARY KEY("tenant_id","id"),
	CONSTRAINT "sync_jobs_status_check" CHECK ("sync_jobs"."status" in ('queued', 'running', 'completed', 'failed', 'cancelled')),
	CONSTRAINT "sync_jobs_mode_check" CHECK ("sync_jobs"."mode" in ('full', 'incremental')),
	CONSTRAINT "sync_jobs_trigger_check" CHECK ("sync_jobs"."trigger" in ('manual', 'schedule', 'webhook'))
);
--> statement-breakpoint
ALTER TABLE "sync_jobs" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "webhook_receipts" (
	"tenant_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"integration_id" uuid NOT NULL,
	"request_id" text NOT NULL,
	"events" jsonb NOT NULL,
	"status" text DEFAULT 'pending' NOT NULL,
	"error" text,
	"received_at" timestamp with time zone DEFAULT now() NOT NULL,
	"processed_at" timestamp with time zone,
	CONSTRAINT "webhook_receipts_tenant_id_id_pk" PRIMARY KEY("tenant_id","id"),
	CONSTRAINT "webhook_receipts_status_check" CHECK ("webhook_receipts"."status" in ('pending', 'processed', 'failed'))
);
--> statement-breakpoint
ALTER TABLE "webhook_receipts" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "commerce_settings" (
	"tenant_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"allow_negative_stock" boolean DEFAULT false NOT NULL,
	"default_min_stock" numeric(18, 3) DEFAULT '10' NOT NULL,
	"buy_price_type_id" uuid,
	"sale_price_type_id" uuid,
	"cover_window_days" integer DEFAULT 30 NOT NULL,
	"dead_stock_days" integer DEFAULT 90 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "commerce_settings_tenant_id_id_pk" PRIMARY KEY("tenant_id","id"),
	CONSTRAINT "commerce_settings_min_stock_check" CHECK ("commerce_settings"."default_min_stock" >= 0),
	CONSTRAINT "commerce_settings_cover_window_check" CHECK ("commerce_settings"."cover_window_days" between 1 and 366),
	CONSTRAINT "commerce_settings_dead_stock_check" CHECK ("commerce_settings"."dead_stock_days" between 1 and 3660)
);
--> statement-breakpoint
ALTER TABLE "commerce_settings" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "stock_levels" (
	"tenant_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"product_id" uuid NOT NULL,
	"variant_id" uuid,
	"warehouse_id" uuid NOT NULL,
	"stock" numeric(18, 3) DEFAULT '0' NOT NULL,
	"reserve" numeric(18, 3) DEFAULT '0' NOT NULL,
	"in_transit" numeric(18, 3) DEFAULT '0' NOT NULL,
	"unit_cost" numeric(18, 2),
	"last_movement_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "stock_levels_tenant_id_id_pk" PRIMARY KEY("tenant_id","id"),
	CONSTRAINT "stock_levels_tenant_product_variant_warehouse_key" UNIQUE NULLS NOT DISTINCT("tenant_id","product_id","variant_id","warehouse_id"),
	CONSTRAINT "stock_levels_reserve_check" CHECK ("stock_levels"."reserve" >= 0 and "stock_levels"."in_transit" >= 0)
);
--> statement-breakpoint
ALTER TABLE "stock_levels" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "stock_movements" (
	"tenant_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"product_id" uuid NOT NULL,
	"variant_id" uuid,
	"warehouse_id" uuid NOT NULL,
	"moment" timestamp with time zone NOT NULL,
	"quantity" numeric(18, 3) NOT NULL,
	"kind" text NOT NULL,
	"document_id" uuid,
	"reason" text,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "stock_movements_tenant_id_id_pk" PRIMARY KEY("tenant_id","id"),
	CONSTRAINT "stock_movements_kind_check" CHECK ("stock_movements"."kind" in ('document', 'adjustment', 'sync'))
);
--> statement-breakpoint
ALTER TABLE "stock_movements" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "stock_thresholds" (
	"tenant_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"product_id" uuid NOT NULL,
	"warehouse_id" uuid NOT NULL,
	"min_stock" numeric(18, 3) NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "stock_thresholds_tenant_id_id_pk" PRIMARY KEY("tenant_id","id"),
	CONSTRAINT "stock_thresholds_min_stock_check" CHECK ("stock_thresholds"."min_stock" >= 0)
);
--> statement-breakpoint
ALTER TABLE "stock_thresholds" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "commerce_document_positions" ADD CONSTRAINT "commerce_document_positions_tenant_id_document_id_commerce_documents_tenant_id_id_fk" FOREIGN KEY ("tenant_id","document_id") REFERENCES "public"."commerce_documents"("tenant_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "commerce_document_positions" ADD CONSTRAINT "commerce_document_positions_tenant_id_product_id_products_tenant_id_id_fk" FOREIGN KEY ("tenant_id","product_id") REFERENCES "public"."products"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "commerce_document_positions" ADD CONSTRAINT "commerce_document_positions_tenant_id_variant_id_product_variants_tenant_id_id_fk" FOREIGN KEY ("tenant_id","variant_id") REFERENCES "public"."product_variants"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "commerce_documents" ADD CONSTRAINT "commerce_documents_tenant_id_customer_id_customers_tenant_id_id_fk" FOREIGN KEY ("tenant_id","customer_id") REFERENCES "public"."customers"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "commerce_documents" ADD CONSTRAINT "commerce_documents_tenant_id_warehouse_id_warehouses_tenant_id_id_fk" FOREIGN KEY ("tenant_id","warehouse_id") REFERENCES "public"."warehouses"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "commerce_documents" ADD CONSTRAINT "commerce_documents_tenant_id_owner_id_users_tenant_id_id_fk" FOREIGN KEY ("tenant_id","owner_id") REFERENCES "public"."users"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "commerce_documents" ADD CONSTRAINT "commerce_documents_tenant_id_created_by_users_tenant_id_id_fk" FOREIGN KEY ("tenant_id","created_by") REFERENCES "public"."users"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "integration_watermarks" ADD CONSTRAINT "integration_watermarks_tenant_id_integration_id_integrations_tenant_id_id_fk" FOREIGN KEY ("tenant_id","integration_id") REFERENCES "public"."integrations"("tenant_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "integrations" ADD CONSTRAINT "integrations_tenant_id_created_by_users_tenant_id_id_fk" FOREIGN KEY ("tenant_id","created_by") REFERENCES "public"."users"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sync_job_failures" ADD CONSTRAINT "sync_job_failures_tenant_id_job_id_sync_jobs_tenant_id_id_fk" FOREIGN KEY ("tenant_id","job_id") REFERENCES "public"."sync_jobs"("tenant_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sync_jobs" ADD CONSTRAINT "sync_jobs_tenant_id_integration_id_integrations_tenant_id_id_fk" FOREIGN KEY ("tenant_id","integration_id") REFERENCES "public"."integrations"("tenant_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sync_jobs" ADD CONSTRAINT "sync_jobs_tenant_id_requested_by_users_tenant_id_id_fk" FOREIGN KEY ("tenant_id","requested_by") REFERENCES "public"."users"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "webhook_receipts" ADD CONSTRAINT "webhook_receipts_tenant_id_integration_id_integrations_tenant_id_id_fk" FOREIGN KEY ("tenant_id","integration_id") REFERENCES "public"."integrations"("tenant_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "stock_levels" ADD CONSTRAINT "stock_levels_tenant_id_product_id_products_tenant_id_id_fk" FOREIGN KEY ("tenant_id","product_id") REFERENCES "public"."products"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "stock_levels" ADD CONSTRAINT "stock_levels_tenant_id_variant_id_product_variants_tenant_id_id_fk" FOREIGN KEY ("tenant_id","variant_id") REFERENCES "public"."product_variants"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "stock_levels" ADD CONSTRAINT "stock_levels_tenant_id_warehouse_id_warehouses_tenant_id_id_fk" FOREIGN KEY ("tenant_id","warehouse_id") REFERENCES "public"."warehouses"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "stock_movements" ADD CONSTRAINT "stock_movements_tenant_id_product_id_products_tenant_id_id_fk" FOREIGN KEY ("tenant_id","product_id") REFERENCES "public"."products"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "stock_movements" ADD CONSTRAINT "stock_movements_tenant_id_warehouse_id_warehouses_tenant_id_id_fk" FOREIGN KEY ("tenant_id","warehouse_id") REFERENCES "public"."warehouses"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "stock_movements" ADD CONSTRAINT "stock_movements_tenant_id_created_by_users_tenant_id_id_fk" FOREIGN KEY ("tenant_id","created_by") REFERENCES "public"."users"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "stock_thresholds" ADD CONSTRAINT "stock_thresholds_tenant_id_product_id_products_tenant_id_id_fk" FOREIGN KEY ("tenant_id","product_id") REFERENCES "public"."products"("tenant_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "stock_thresholds" ADD CONSTRAINT "stock_thresholds_tenant_id_warehouse_id_warehouses_tenant_id_id_fk" FOREIGN KEY ("tenant_id","warehouse_id") REFERENCES "public"."warehouses"("tenant_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "commerce_document_positions_tenant_document_line_key" ON "commerce_document_positions" USING btree ("tenant_id","document_id","line_no");--> statement-breakpoint
CREATE INDEX "commerce_document_positions_tenant_kind_moment_idx" ON "commerce_document_positions" USING btree ("tenant_id","kind","moment") WHERE "commerce_document_positions"."active";--> statement-breakpoint
CREATE INDEX "commerce_document_positions_tenant_product_moment_idx" ON "commerce_document_positions" USING btree ("tenant_id","product_id","moment");--> statement-breakpoint
CREATE UNIQUE INDEX "commerce_documents_tenant_kind_number_key" ON "commerce_documents" USING btree ("tenant_id","kind","number","source");--> statement-breakpoint
CREATE INDEX "commerce_documents_tenant_kind_moment_idx" ON "commerce_documents" USING btree ("tenant_id","kind","moment");--> statement-breakpoint
CREATE INDEX "commerce_documents_tenant_customer_moment_idx" ON "commerce_documents" USING btree ("tenant_id","customer_id","moment");--> statement-breakpoint
CREATE INDEX "commerce_documents_tenant_owner_moment_idx" ON "commerce_documents" USING btree ("tenant_id","owner_id","moment");--> statement-breakpoint
CREATE UNIQUE INDEX "integration_watermarks_tenant_integration_entity_key" ON "integration_watermarks" USING btree ("tenant_id","integration_id","entity");--> statement-breakpoint
CREATE UNIQUE INDEX "integrations_tenant_name_key" ON "integrations" USING btree ("tenant_id","name");--> statement-breakpoint
CREATE INDEX "sync_job_failures_tenant_job_idx" ON "sync_job_failures" USING btree ("tenant_id","job_id","entity");--> statement-breakpoint
CREATE UNIQUE INDEX "sync_jobs_one_active_per_integration_key" ON "sync_jobs" USING btree ("tenant_id","integration_id") WHERE "sync_jobs"."status" in ('queued', 'running');--> statement-breakpoint
CREATE INDEX "sync_jobs_tenant_integration_created_idx" ON "sync_jobs" USING btree ("tenant_id","integration_id","created_at");--> statement-breakpoint
CREATE INDEX "sync_jobs_tenant_created_idx" ON "sync_jobs" USING btree ("tenant_id","created_at");--> statement-breakpoint
CREATE UNIQUE INDEX "webhook_receipts_tenant_integration_request_key" ON "webhook_receipts" USING btree ("tenant_id","integration_id","request_id");--> statement-breakpoint
CREATE INDEX "webhook_receipts_tenant_pending_idx" ON "webhook_receipts" USING btree ("tenant_id","received_at") WHERE "webhook_receipts"."status" = 'pending';--> statement-breakpoint
CREATE UNIQUE INDEX "commerce_settings_tenant_key" ON "commerce_settings" USING btree ("tenant_id");--> statement-breakpoint
CREATE INDEX "stock_levels_tenant_warehouse_idx" ON "stock_levels" USING btree ("tenant_id","warehouse_id","product_id");--> statement-breakpoint
CREATE INDEX "stock_movements_tenant_product_warehouse_moment_idx" ON "stock_movements" USING btree ("tenant_id","product_id","warehouse_id","moment");--> statement-breakpoint
CREATE INDEX "stock_movements_tenant_moment_idx" ON "stock_movements" USING btree ("tenant_id","moment");--> statement-breakpoint
CREATE INDEX "stock_movements_tenant_document_idx" ON "stock_movements" USING btree ("tenant_id","document_id");--> statement-breakpoint
CREATE UNIQUE INDEX "stock_thresholds_tenant_product_warehouse_key" ON "stock_thresholds" USING btree ("tenant_id","product_id","warehouse_id");--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "commerce_document_positions" AS PERMISSIVE FOR ALL TO "salesops_app" USING ("commerce_document_positions"."tenant_id" = nullif(current_setting('app.tenant_id', true), '')::uuid) WITH CHECK ("commerce_document_positions"."tenant_id" = nullif(current_setting('app.tenant_id', true), '')::uuid);--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "commerce_documents" AS PERMISSIVE FOR ALL TO "salesops_app" USING ("commerce_documents"."tenant_id" = nullif(current_setting('app.tenant_id', true), '')::uuid) WITH CHECK ("commerce_documents"."tenant_id" = nullif(current_setting('app.tenant_id', true), '')::uuid);--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "integration_watermarks" AS PERMISSIVE FOR ALL TO "salesops_app" USING ("integration_watermarks"."tenant_id" = nullif(current_setting('app.tenant_id', true), '')::uuid) WITH CHECK ("integration_watermarks"."tenant_id" = nullif(current_setting('app.tenant_id', true), '')::uuid);--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "integrations" AS PERMISSIVE FOR ALL TO "salesops_app" USING ("integrations"."tenant_id" = nullif(current_setting('app.tenant_id', true), '')::uuid) WITH CHECK ("integrations"."tenant_id" = nullif(current_setting('app.tenant_id', true), '')::uuid);--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "sync_job_failures" AS PERMISSIVE FOR ALL TO "salesops_app" USING ("sync_job_failures"."tenant_id" = nullif(current_setting('app.tenant_id', true), '')::uuid) WITH CHECK ("sync_job_failures"."tenant_id" = nullif(current_setting('app.tenant_id', true), '')::uuid);--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "sync_jobs" AS PERMISSIVE FOR ALL TO "salesops_app" USING ("sync_jobs"."tenant_id" = nullif(current_setting('app.tenant_id', true), '')::uuid) WITH CHECK ("sync_jobs"."tenant_id" = nullif(current_setting('app.tenant_id', true), '')::uuid);--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "webhook_receipts" AS PERMISSIVE FOR ALL TO "salesops_app" USING ("webhook_receipts"."tenant_id" = nullif(current_setting('app.tenant_id', true), '')::uuid) WITH CHECK ("webhook_receipts"."tenant_id" = nullif(current_setting('app.tenant_id', true), '')::uuid);--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "commerce_settings" AS PERMISSIVE FOR ALL TO "salesops_app" USING ("commerce_settings"."tenant_id" = nullif(current_setting('app.tenant_id', true), '')::uuid) WITH CHECK ("commerce_settings"."tenant_id" = nullif(current_setting('app.tenant_id', true), '')::uuid);--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "stock_levels" AS PERMISSIVE FOR ALL TO "salesops_app" USING ("stock_levels"."tenant_id" = nullif(current_setting('app.tenant_id', true), '')::uuid) WITH CHECK ("stock_levels"."tenant_id" = nullif(current_setting('app.tenant_id', true), '')::uuid);--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "stock_movements" AS PERMISSIVE FOR ALL TO "salesops_app" USING ("stock_movements"."tenant_id" = nullif(current_setting('app.tenant_id', true), '')::uuid) WITH CHECK ("stock_movements"."tenant_id" = nullif(current_setting('app.tenant_id', true), '')::uuid);--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "stock_thresholds" AS PERMISSIVE FOR ALL TO "salesops_app" USING ("stock_thresholds"."tenant_id" = nullif(current_setting('app.tenant_id', true), '')::uuid) WITH CHECK ("stock_thresholds"."tenant_id" = nullif(current_setting('app.tenant_id', true), '')::uuid);