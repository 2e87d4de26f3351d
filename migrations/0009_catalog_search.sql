-- Product search (q=): trigram matching, and btree_gin so one GIN index can lead with tenant_id.
-- PGlite bundles both; PostgreSQL ships them in contrib (both are trusted extensions).
CREATE EXTENSION IF NOT EXISTS pg_trgm;--> statement-breakpoint
CREATE EXTENSION IF NOT EXISTS btree_gin;--> statement-breakpoint
CREATE INDEX "product_barcodes_tenant_barcode_trgm_idx" ON "product_barcodes" USING gin ("tenant_id","barcode" gin_trgm_ops);--> statement-breakpoint
CREATE INDEX "products_tenant_name_trgm_idx" ON "products" USING gin ("tenant_id","name" gin_trgm_ops);--> statement-breakpoint
CREATE INDEX "products_tenant_code_trgm_idx" ON "products" USING gin ("tenant_id","code" gin_trgm_ops);--> statement-breakpoint
CREATE INDEX "products_tenant_article_trgm_idx" ON "products" USING gin ("tenant_id","article" gin_trgm_ops);