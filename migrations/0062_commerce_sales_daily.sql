CREATE TABLE "commerce_sales_daily" (
	"tenant_id" uuid NOT NULL,
	"day" date NOT NULL,
	"product_id" uuid NOT NULL,
	"customer_id" uuid,
	"warehouse_id" uuid,
	"owner_id" uuid,
	"revenue" numeric(20, 2) NOT NULL,
	"cost" numeric(24, 5) NOT NULL,
	"quantity" numeric(20, 3) NOT NULL,
	"positions" integer NOT NULL,
	CONSTRAINT "commerce_sales_daily_key" UNIQUE NULLS NOT DISTINCT("tenant_id","day","product_id","customer_id","warehouse_id","owner_id")
);
--> statement-breakpoint
ALTER TABLE "commerce_sales_daily" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "commerce_sales_daily" ADD CONSTRAINT "commerce_sales_daily_tenant_id_product_id_products_tenant_id_id_fk" FOREIGN KEY ("tenant_id","product_id") REFERENCES "public"."products"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "commerce_sales_daily" ADD CONSTRAINT "commerce_sales_daily_tenant_id_customer_id_customers_tenant_id_id_fk" FOREIGN KEY ("tenant_id","customer_id") REFERENCES "public"."customers"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "commerce_sales_daily" ADD CONSTRAINT "commerce_sales_daily_tenant_id_warehouse_id_warehouses_tenant_id_id_fk" FOREIGN KEY ("tenant_id","warehouse_id") REFERENCES "public"."warehouses"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "commerce_sales_daily" ADD CONSTRAINT "commerce_sales_daily_tenant_id_owner_id_users_tenant_id_id_fk" FOREIGN KEY ("tenant_id","owner_id") REFERENCES "public"."users"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "commerce_sales_daily_tenant_owner_day_idx" ON "commerce_sales_daily" USING btree ("tenant_id","owner_id","day");--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "commerce_sales_daily" AS PERMISSIVE FOR ALL TO "salesops_app" USING ("commerce_sales_daily"."tenant_id" = nullif(current_setting('app.tenant_id', true), '')::uuid) WITH CHECK ("commerce_sales_daily"."tenant_id" = nullif(current_setting('app.tenant_id', true), '')::uuid);