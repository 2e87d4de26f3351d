CREATE TABLE "import_staged_rows" (
	"tenant_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"import_id" uuid NOT NULL,
	"row_number" integer NOT NULL,
	"code" text NOT NULL,
	"payload" jsonb NOT NULL,
	CONSTRAINT "import_staged_rows_tenant_id_id_pk" PRIMARY KEY("tenant_id","id")
);
--> statement-breakpoint
ALTER TABLE "import_staged_rows" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "import_runs" ADD COLUMN "write_position" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "import_staged_rows" ADD CONSTRAINT "import_staged_rows_tenant_id_import_id_import_runs_tenant_id_id_fk" FOREIGN KEY ("tenant_id","import_id") REFERENCES "public"."import_runs"("tenant_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "import_staged_rows_tenant_import_row_idx" ON "import_staged_rows" USING btree ("tenant_id","import_id","row_number");--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "import_staged_rows" AS PERMISSIVE FOR ALL TO "salesops_app" USING ("import_staged_rows"."tenant_id" = nullif(current_setting('app.tenant_id', true), '')::uuid) WITH CHECK ("import_staged_rows"."tenant_id" = nullif(current_setting('app.tenant_id', true), '')::uuid);