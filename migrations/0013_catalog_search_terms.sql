CREATE TABLE "product_search_terms" (
	"tenant_id" uuid NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"product_id" uuid NOT NULL,
	"term" text NOT NULL,
	CONSTRAINT "product_search_terms_tenant_id_id_pk" PRIMARY KEY("tenant_id","id")
);
--> statement-breakpoint
ALTER TABLE "product_search_terms" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
DROP INDEX "product_barcodes_tenant_barcode_trgm_idx";--> statement-breakpoint
DROP INDEX "products_tenant_name_trgm_idx";--> statement-breakpoint
DROP INDEX "products_tenant_code_trgm_idx";--> statement-breakpoint
DROP INDEX "products_tenant_article_trgm_idx";--> statement-breakpoint
DROP INDEX "products_tenant_name_idx";--> statement-breakpoint
ALTER TABLE "product_search_terms" ADD CONSTRAINT "product_search_terms_tenant_id_product_id_products_tenant_id_id_fk" FOREIGN KEY ("tenant_id","product_id") REFERENCES "public"."products"("tenant_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "product_search_terms_tenant_term_idx" ON "product_search_terms" USING btree ("tenant_id","term" text_pattern_ops,"product_id");--> statement-breakpoint
CREATE INDEX "product_search_terms_tenant_product_idx" ON "product_search_terms" USING btree ("tenant_id","product_id","term" text_pattern_ops);--> statement-breakpoint
CREATE INDEX "customers_tenant_name_idx" ON "customers" USING btree ("tenant_id","name","id");--> statement-breakpoint
CREATE INDEX "outlets_tenant_name_idx" ON "outlets" USING btree ("tenant_id","name","id");--> statement-breakpoint
CREATE INDEX "warehouses_tenant_name_idx" ON "warehouses" USING btree ("tenant_id","name","id");--> statement-breakpoint
CREATE INDEX "visits_tenant_agent_completed_idx" ON "visits" USING btree ("tenant_id","agent_id","completed_at") WHERE "visits"."status" = 'completed';--> statement-breakpoint
CREATE INDEX "products_tenant_name_idx" ON "products" USING btree ("tenant_id","name","id");--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "product_search_terms" AS PERMISSIVE FOR ALL TO "salesops_app" USING ("product_search_terms"."tenant_id" = nullif(current_setting('app.tenant_id', true), '')::uuid) WITH CHECK ("product_search_terms"."tenant_id" = nullif(current_setting('app.tenant_id', true), '')::uuid);