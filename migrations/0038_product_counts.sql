CREATE TABLE "product_counts" (
	"tenant_id" uuid NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"active" bigint NOT NULL,
	"archived" bigint NOT NULL,
	CONSTRAINT "product_counts_tenant_id_id_pk" PRIMARY KEY("tenant_id","id")
);
--> statement-breakpoint
ALTER TABLE "product_counts" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "product_counts" AS PERMISSIVE FOR ALL TO "salesops_app" USING ("product_counts"."tenant_id" = nullif(current_setting('app.tenant_id', true), '')::uuid) WITH CHECK ("product_counts"."tenant_id" = nullif(current_setting('app.tenant_id', true), '')::uuid);