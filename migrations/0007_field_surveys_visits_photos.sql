CREATE TABLE "photos" (
	"tenant_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"visit_id" uuid NOT NULL,
	"agent_id" uuid NOT NULL,
	"outlet_id" uuid NOT NULL,
	"uploaded_by" uuid,
	"client_uuid" uuid,
	"purpose" text NOT NULL,
	"file_key" text NOT NULL,
	"file_name" text NOT NULL,
	"content_type" text NOT NULL,
	"size" integer NOT NULL,
	"thumbnail_key" text,
	"width" integer,
	"height" integer,
	"taken_at" timestamp with time zone,
	"latitude" double precision,
	"longitude" double precision,
	"grid_rows" integer DEFAULT 2 NOT NULL,
	"grid_cols" integer DEFAULT 2 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "photos_tenant_id_id_pk" PRIMARY KEY("tenant_id","id"),
	CONSTRAINT "photos_purpose_check" CHECK ("photos"."purpose" in ('shelf', 'display', 'outside', 'board', 'id')),
	CONSTRAINT "photos_grid_check" CHECK ("photos"."grid_rows" between 1 and 20 and "photos"."grid_cols" between 1 and 20)
);
--> statement-breakpoint
ALTER TABLE "photos" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "shelf_quadrants" (
	"tenant_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"photo_id" uuid NOT NULL,
	"brand_id" uuid NOT NULL,
	"cells" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"area_percent" double precision,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "shelf_quadrants_tenant_id_id_pk" PRIMARY KEY("tenant_id","id"),
	CONSTRAINT "shelf_quadrants_area_check" CHECK ("shelf_quadrants"."area_percent" is null or "shelf_quadrants"."area_percent" between 0 and 100)
);
--> statement-breakpoint
ALTER TABLE "shelf_quadrants" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "survey_questions" (
	"tenant_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"survey_id" uuid NOT NULL,
	"text" text NOT NULL,
	"type" text NOT NULL,
	"options" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"required" boolean DEFAULT false NOT NULL,
	"validation" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"position" integer NOT NULL,
	"archived_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "survey_questions_tenant_id_id_pk" PRIMARY KEY("tenant_id","id"),
	CONSTRAINT "survey_questions_type_check" CHECK ("survey_questions"."type" in ('text', 'number', 'single_choice', 'multiple_choice', 'yes_no', 'rating', 'photo', 'date'))
);
--> statement-breakpoint
ALTER TABLE "survey_questions" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "surveys" (
	"tenant_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"title" text NOT NULL,
	"description" text,
	"type" text DEFAULT 'outlet' NOT NULL,
	"brand_id" uuid,
	"is_active" boolean DEFAULT true NOT NULL,
	"archived_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "surveys_tenant_id_id_pk" PRIMARY KEY("tenant_id","id"),
	CONSTRAINT "surveys_type_check" CHECK ("surveys"."type" in ('individual', 'outlet'))
);
--> statement-breakpoint
ALTER TABLE "surveys" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "visit_answers" (
	"tenant_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"visit_id" uuid NOT NULL,
	"question_id" uuid NOT NULL,
	"value" jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "visit_answers_tenant_id_id_pk" PRIMARY KEY("tenant_id","id")
);
--> statement-breakpoint
ALTER TABLE "visit_answers" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "visits" (
	"tenant_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"agent_id" uuid NOT NULL,
	"outlet_id" uuid NOT NULL,
	"survey_id" uuid,
	"call_cycle_id" uuid,
	"client_uuid" uuid,
	"status" text DEFAULT 'planned' NOT NULL,
	"visit_type" text DEFAULT 'planned' NOT NULL,
	"planned_date" date NOT NULL,
	"notes" text,
	"check_in_at" timestamp with time zone,
	"check_in_latitude" double precision,
	"check_in_longitude" double precision,
	"check_in_accuracy_m" double precision,
	"check_in_distance_m" double precision,
	"check_in_within_geofence" boolean,
	"completed_at" timestamp with time zone,
	"completion_latitude" double precision,
	"completion_longitude" double precision,
	"completion_accuracy_m" double precision,
	"completion_distance_m" double precision,
	"completion_within_geofence" boolean,
	"cancelled_at" timestamp with time zone,
	"cancel_reason" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "visits_tenant_id_id_pk" PRIMARY KEY("tenant_id","id"),
	CONSTRAINT "visits_status_check" CHECK ("visits"."status" in ('planned', 'in_progress', 'completed', 'cancelled', 'missed')),
	CONSTRAINT "visits_type_check" CHECK ("visits"."visit_type" in ('planned', 'unplanned', 'follow_up'))
);
--> statement-breakpoint
ALTER TABLE "visits" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "photos" ADD CONSTRAINT "photos_tenant_id_visit_id_visits_tenant_id_id_fk" FOREIGN KEY ("tenant_id","visit_id") REFERENCES "public"."visits"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "photos" ADD CONSTRAINT "photos_tenant_id_agent_id_users_tenant_id_id_fk" FOREIGN KEY ("tenant_id","agent_id") REFERENCES "public"."users"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "photos" ADD CONSTRAINT "photos_tenant_id_uploaded_by_users_tenant_id_id_fk" FOREIGN KEY ("tenant_id","uploaded_by") REFERENCES "public"."users"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "photos" ADD CONSTRAINT "photos_tenant_id_outlet_id_outlets_tenant_id_id_fk" FOREIGN KEY ("tenant_id","outlet_id") REFERENCES "public"."outlets"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "shelf_quadrants" ADD CONSTRAINT "shelf_quadrants_tenant_id_photo_id_photos_tenant_id_id_fk" FOREIGN KEY ("tenant_id","photo_id") REFERENCES "public"."photos"("tenant_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "shelf_quadrants" ADD CONSTRAINT "shelf_quadrants_tenant_id_brand_id_brands_tenant_id_id_fk" FOREIGN KEY ("tenant_id","brand_id") REFERENCES "public"."brands"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "survey_questions" ADD CONSTRAINT "survey_questions_tenant_id_survey_id_surveys_tenant_id_id_fk" FOREIGN KEY ("tenant_id","survey_id") REFERENCES "public"."surveys"("tenant_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "surveys" ADD CONSTRAINT "surveys_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "surveys" ADD CONSTRAINT "surveys_tenant_id_brand_id_brands_tenant_id_id_fk" FOREIGN KEY ("tenant_id","brand_id") REFERENCES "public"."brands"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "visit_answers" ADD CONSTRAINT "visit_answers_tenant_id_visit_id_visits_tenant_id_id_fk" FOREIGN KEY ("tenant_id","visit_id") REFERENCES "public"."visits"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "visit_answers" ADD CONSTRAINT "visit_answers_tenant_id_question_id_survey_questions_tenant_id_id_fk" FOREIGN KEY ("tenant_id","question_id") REFERENCES "public"."survey_questions"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "visits" ADD CONSTRAINT "visits_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "visits" ADD CONSTRAINT "visits_tenant_id_agent_id_users_tenant_id_id_fk" FOREIGN KEY ("tenant_id","agent_id") REFERENCES "public"."users"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "visits" ADD CONSTRAINT "visits_tenant_id_outlet_id_outlets_tenant_id_id_fk" FOREIGN KEY ("tenant_id","outlet_id") REFERENCES "public"."outlets"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "visits" ADD CONSTRAINT "visits_tenant_id_survey_id_surveys_tenant_id_id_fk" FOREIGN KEY ("tenant_id","survey_id") REFERENCES "public"."surveys"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "photos_tenant_client_uuid_key" ON "photos" USING btree ("tenant_id","client_uuid");--> statement-breakpoint
CREATE INDEX "photos_tenant_visit_idx" ON "photos" USING btree ("tenant_id","visit_id");--> statement-breakpoint
CREATE INDEX "photos_tenant_agent_created_idx" ON "photos" USING btree ("tenant_id","agent_id","created_at");--> statement-breakpoint
CREATE INDEX "photos_tenant_outlet_created_idx" ON "photos" USING btree ("tenant_id","outlet_id","created_at");--> statement-breakpoint
CREATE UNIQUE INDEX "shelf_quadrants_tenant_photo_brand_key" ON "shelf_quadrants" USING btree ("tenant_id","photo_id","brand_id");--> statement-breakpoint
CREATE INDEX "shelf_quadrants_tenant_brand_idx" ON "shelf_quadrants" USING btree ("tenant_id","brand_id");--> statement-breakpoint
CREATE INDEX "survey_questions_tenant_survey_idx" ON "survey_questions" USING btree ("tenant_id","survey_id","position");--> statement-breakpoint
CREATE INDEX "surveys_tenant_brand_idx" ON "surveys" USING btree ("tenant_id","brand_id");--> statement-breakpoint
CREATE INDEX "surveys_tenant_title_idx" ON "surveys" USING btree ("tenant_id","title");--> statement-breakpoint
CREATE UNIQUE INDEX "visit_answers_tenant_visit_question_key" ON "visit_answers" USING btree ("tenant_id","visit_id","question_id");--> statement-breakpoint
CREATE INDEX "visit_answers_tenant_question_idx" ON "visit_answers" USING btree ("tenant_id","question_id");--> statement-breakpoint
CREATE UNIQUE INDEX "visits_tenant_client_uuid_key" ON "visits" USING btree ("tenant_id","client_uuid");--> statement-breakpoint
CREATE INDEX "visits_tenant_agent_date_idx" ON "visits" USING btree ("tenant_id","agent_id","planned_date");--> statement-breakpoint
CREATE INDEX "visits_tenant_outlet_idx" ON "visits" USING btree ("tenant_id","outlet_id");--> statement-breakpoint
CREATE INDEX "visits_tenant_survey_idx" ON "visits" USING btree ("tenant_id","survey_id");--> statement-breakpoint
CREATE INDEX "visits_tenant_call_cycle_idx" ON "visits" USING btree ("tenant_id","call_cycle_id");--> statement-breakpoint
CREATE INDEX "visits_tenant_status_date_idx" ON "visits" USING btree ("tenant_id","status","planned_date");--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "photos" AS PERMISSIVE FOR ALL TO "salesops_app" USING ("photos"."tenant_id" = nullif(current_setting('app.tenant_id', true), '')::uuid) WITH CHECK ("photos"."tenant_id" = nullif(current_setting('app.tenant_id', true), '')::uuid);--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "shelf_quadrants" AS PERMISSIVE FOR ALL TO "salesops_app" USING ("shelf_quadrants"."tenant_id" = nullif(current_setting('app.tenant_id', true), '')::uuid) WITH CHECK ("shelf_quadrants"."tenant_id" = nullif(current_setting('app.tenant_id', true), '')::uuid);--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "survey_questions" AS PERMISSIVE FOR ALL TO "salesops_app" USING ("survey_questions"."tenant_id" = nullif(current_setting('app.tenant_id', true), '')::uuid) WITH CHECK ("survey_questions"."tenant_id" = nullif(current_setting('app.tenant_id', true), '')::uuid);--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "surveys" AS PERMISSIVE FOR ALL TO "salesops_app" USING ("surveys"."tenant_id" = nullif(current_setting('app.tenant_id', true), '')::uuid) WITH CHECK ("surveys"."tenant_id" = nullif(current_setting('app.tenant_id', true), '')::uuid);--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "visit_answers" AS PERMISSIVE FOR ALL TO "salesops_app" USING ("visit_answers"."tenant_id" = nullif(current_setting('app.tenant_id', true), '')::uuid) WITH CHECK ("visit_answers"."tenant_id" = nullif(current_setting('app.tenant_id', true), '')::uuid);--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "visits" AS PERMISSIVE FOR ALL TO "salesops_app" USING ("visits"."tenant_id" = nullif(current_setting('app.tenant_id', true), '')::uuid) WITH CHECK ("visits"."tenant_id" = nullif(current_setting('app.tenant_id', true), '')::uuid);