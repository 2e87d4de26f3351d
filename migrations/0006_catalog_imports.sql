CREATE TABLE "import_errors" (
	"tenant_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"import_id" uuid NOT NULL,
	"row_number" integer NOT NULL,
	"column" text,
	"code" text NOT NULL,
	"message" text NOT NULL,
	"value" text,
	CONSTRAINT "import_errors_tenant_id_id_pk" PRIMARY KEY("tenant_id","id")
);
--> statement-breakpoint
ALTER TABLE "import_errors" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "import_runs" (
	"tenant_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"entity" text NOT NULL,
	"mode" text NOT NULL,
	"dry_run" boolean DEFAULT false NOT NULL,
	"all_or_nothing" boolean DEFAULT false NOT NULL,
	"status" text DEFAULT 'pending' NOT NULL,
	"format" text NOT NULL,
	"file_name" text NOT NULL,
	"file_key" text NOT NULL,
	"file_size" integer NOT NULL,
	"rows_read" integer DEFAULT 0 NOT NULL,
	"rows_valid" integer DEFAULT 0 NOT NULL,
	"rows_invalid" integer DEFAULT 0 NOT NULL,
	"rows_written" integer DEFAULT 0 NOT NULL,
	"rows_created" integer DEFAULT 0 NOT NULL,
	"rows_updated" integer DEFAULT 0 NOT NULL,
	"rows_unchanged" integer DEFAULT 0 NOT NULL,
	"error_code" text,
	"error_message" text,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"started_at" timestamp with time zone,
	"finished_at" timestamp with time zone,
	CONSTRAINT "import_runs_tenant_id_id_pk" PRIMARY KEY("tenant_id","id"),
	CONSTRAINT "import_runs_status_check" CHECK ("import_runs"."status" in ('pending', 'validating', 'importing', 'completed', 'failed')),
	CONSTRAINT "import_runs_mode_check" CHECK ("import_runs"."mode" in ('insert', 'upsert-by-code'))
);
--> statement-breakpoint
ALTER TABLE "import_runs" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "brands" ADD COLUMN "code" text;--> statement-breakpoint
ALTER TABLE "product_folders" ADD COLUMN "code" text;--> statement-breakpoint
ALTER TABLE "import_errors" ADD CONSTRAINT "import_errors_tenant_id_import_id_import_runs_tenant_id_id_fk" FOREIGN KEY ("tenant_id","import_id") REFERENCES "public"."import_runs"("tenant_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "import_errors_tenant_import_row_idx" ON "import_errors" USING btree ("tenant_id","import_id","row_number");--> statement-breakpoint
CREATE INDEX "import_runs_tenant_created_idx" ON "import_runs" USING btree ("tenant_id","created_at");--> statement-breakpoint
CREATE UNIQUE INDEX "brands_tenant_code_key" ON "brands" USING btree ("tenant_id","code");--> statement-breakpoint
CREATE UNIQUE INDEX "product_folders_tenant_code_key" ON "product_folders" USING btree ("tenant_id","code");--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "import_errors" AS PERMISSIVE FOR ALL TO "salesops_app" USING ("import_errors"."tenant_id" = nullif(current_setting('app.tenant_id', true), '')::uuid) WITH CHECK ("import_errors"."tenant_id" = nullif(current_setting('app.tenant_id', true), '')::uuid);--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "import_runs" AS PERMISSIVE FOR ALL TO "salesops_app" USING ("import_runs"."tenant_id" = nullif(current_setting('app.tenant_id', true), '')::uuid) WITH CHECK ("import_runs"."tenant_id" = nullif(current_setting('app.tenant_id', true), '')::uuid);