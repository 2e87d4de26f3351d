CREATE TABLE "external_sale_import_rows" (
	"tenant_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"import_run_id" uuid NOT NULL,
	"row_number" integer NOT NULL,
	"external_system" text NOT NULL,
	"external_sale_id" text NOT NULL,
	"status" text NOT NULL,
	"reason" text,
	"lead_id" uuid,
	"conversion_id" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "external_sale_import_rows_tenant_id_id_pk" PRIMARY KEY("tenant_id","id"),
	CONSTRAINT "external_sale_import_rows_status_check" CHECK ("external_sale_import_rows"."status" in ('created', 'updated', 'unchanged', 'unmatched')),
	CONSTRAINT "external_sale_import_rows_reason_check" CHECK (("external_sale_import_rows"."status" = 'unmatched') = ("external_sale_import_rows"."reason" is not null))
);
--> statement-breakpoint
ALTER TABLE "external_sale_import_rows" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "external_sale_import_rows" ADD CONSTRAINT "external_sale_import_rows_run_fk" FOREIGN KEY ("tenant_id","import_run_id") REFERENCES "public"."import_runs"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "external_sale_import_rows" ADD CONSTRAINT "external_sale_import_rows_lead_fk" FOREIGN KEY ("tenant_id","lead_id") REFERENCES "public"."leads"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "external_sale_import_rows" ADD CONSTRAINT "external_sale_import_rows_conversion_fk" FOREIGN KEY ("tenant_id","conversion_id") REFERENCES "public"."conversions"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "external_sale_import_rows_run_row_key" ON "external_sale_import_rows" USING btree ("tenant_id","import_run_id","row_number");--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "external_sale_import_rows" AS PERMISSIVE FOR ALL TO "salesops_app" USING ("external_sale_import_rows"."tenant_id" = nullif(current_setting('app.tenant_id', true), '')::uuid) WITH CHECK ("external_sale_import_rows"."tenant_id" = nullif(current_setting('app.tenant_id', true), '')::uuid);