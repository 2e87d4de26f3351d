CREATE TABLE "call_cycle_locations" (
	"tenant_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"cycle_id" uuid NOT NULL,
	"outlet_id" uuid NOT NULL,
	"position" integer NOT NULL,
	"frequency" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "call_cycle_locations_tenant_id_id_pk" PRIMARY KEY("tenant_id","id"),
	CONSTRAINT "call_cycle_locations_tenant_cycle_outlet_key" UNIQUE("tenant_id","cycle_id","outlet_id"),
	CONSTRAINT "call_cycle_locations_position_check" CHECK ("call_cycle_locations"."position" >= 1),
	CONSTRAINT "call_cycle_locations_frequency_check" CHECK ("call_cycle_locations"."frequency" is null or "call_cycle_locations"."frequency" in ('daily', 'weekly', 'biweekly', 'monthly'))
);
--> statement-breakpoint
ALTER TABLE "call_cycle_locations" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "call_cycle_slots" (
	"tenant_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"cycle_id" uuid NOT NULL,
	"outlet_id" uuid NOT NULL,
	"slot_date" date NOT NULL,
	"status" text DEFAULT 'planned' NOT NULL,
	"visit_id" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "call_cycle_slots_tenant_id_id_pk" PRIMARY KEY("tenant_id","id"),
	CONSTRAINT "call_cycle_slots_tenant_cycle_outlet_date_key" UNIQUE("tenant_id","cycle_id","outlet_id","slot_date"),
	CONSTRAINT "call_cycle_slots_status_check" CHECK ("call_cycle_slots"."status" in ('planned', 'visited', 'missed')),
	CONSTRAINT "call_cycle_slots_visit_check" CHECK (("call_cycle_slots"."status" = 'visited') = ("call_cycle_slots"."visit_id" is not null))
);
--> statement-breakpoint
ALTER TABLE "call_cycle_slots" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "call_cycles" (
	"tenant_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"name" text NOT NULL,
	"description" text,
	"agent_id" uuid NOT NULL,
	"start_date" date NOT NULL,
	"end_date" date NOT NULL,
	"frequency" text NOT NULL,
	"status" text DEFAULT 'active' NOT NULL,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "call_cycles_tenant_id_id_pk" PRIMARY KEY("tenant_id","id"),
	CONSTRAINT "call_cycles_frequency_check" CHECK ("call_cycles"."frequency" in ('daily', 'weekly', 'biweekly', 'monthly')),
	CONSTRAINT "call_cycles_status_check" CHECK ("call_cycles"."status" in ('active', 'completed', 'cancelled')),
	CONSTRAINT "call_cycles_dates_check" CHECK ("call_cycles"."end_date" >= "call_cycles"."start_date")
);
--> statement-breakpoint
ALTER TABLE "call_cycles" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "goal_assignments" (
	"tenant_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"goal_id" uuid NOT NULL,
	"assignee_type" text NOT NULL,
	"user_id" uuid,
	"team_id" uuid,
	"target" numeric(18, 2),
	"reported_value" numeric(18, 2),
	"reported_at" timestamp with time zone,
	"reported_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "goal_assignments_tenant_id_id_pk" PRIMARY KEY("tenant_id","id"),
	CONSTRAINT "goal_assignments_assignee_check" CHECK (("goal_assignments"."assignee_type" = 'user' and "goal_assignments"."user_id" is not null and "goal_assignments"."team_id" is null) or ("goal_assignments"."assignee_type" = 'team' and "goal_assignments"."team_id" is not null and "goal_assignments"."user_id" is null)),
	CONSTRAINT "goal_assignments_target_check" CHECK ("goal_assignments"."target" is null or "goal_assignments"."target" > 0),
	CONSTRAINT "goal_assignments_reported_check" CHECK ("goal_assignments"."reported_value" is null or "goal_assignments"."reported_value" >= 0)
);
--> statement-breakpoint
ALTER TABLE "goal_assignments" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "goals" (
	"tenant_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"name" text NOT NULL,
	"description" text,
	"metric" text NOT NULL,
	"target" numeric(18, 2) NOT NULL,
	"period_start" date NOT NULL,
	"period_end" date NOT NULL,
	"brand_id" uuid,
	"survey_id" uuid,
	"is_active" boolean DEFAULT true NOT NULL,
	"archived_at" timestamp with time zone,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "goals_tenant_id_id_pk" PRIMARY KEY("tenant_id","id"),
	CONSTRAINT "goals_metric_check" CHECK ("goals"."metric" in ('visits_completed', 'surveys_completed', 'photos', 'shelf_share', 'leads_captured', 'conversions', 'revenue', 'manual')),
	CONSTRAINT "goals_target_check" CHECK ("goals"."target" > 0),
	CONSTRAINT "goals_period_check" CHECK ("goals"."period_end" >= "goals"."period_start"),
	CONSTRAINT "goals_shelf_share_brand_check" CHECK ("goals"."metric" <> 'shelf_share' or "goals"."brand_id" is not null)
);
--> statement-breakpoint
ALTER TABLE "goals" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "call_cycle_locations" ADD CONSTRAINT "call_cycle_locations_tenant_id_cycle_id_call_cycles_tenant_id_id_fk" FOREIGN KEY ("tenant_id","cycle_id") REFERENCES "public"."call_cycles"("tenant_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "call_cycle_locations" ADD CONSTRAINT "call_cycle_locations_tenant_id_outlet_id_outlets_tenant_id_id_fk" FOREIGN KEY ("tenant_id","outlet_id") REFERENCES "public"."outlets"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "call_cycle_slots" ADD CONSTRAINT "call_cycle_slots_tenant_id_cycle_id_outlet_id_call_cycle_locations_tenant_id_cycle_id_outlet_id_fk" FOREIGN KEY ("tenant_id","cycle_id","outlet_id") REFERENCES "public"."call_cycle_locations"("tenant_id","cycle_id","outlet_id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "call_cycle_slots" ADD CONSTRAINT "call_cycle_slots_tenant_id_visit_id_visits_tenant_id_id_fk" FOREIGN KEY ("tenant_id","visit_id") REFERENCES "public"."visits"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "call_cycles" ADD CONSTRAINT "call_cycles_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "call_cycles" ADD CONSTRAINT "call_cycles_tenant_id_agent_id_users_tenant_id_id_fk" FOREIGN KEY ("tenant_id","agent_id") REFERENCES "public"."users"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "call_cycles" ADD CONSTRAINT "call_cycles_tenant_id_created_by_users_tenant_id_id_fk" FOREIGN KEY ("tenant_id","created_by") REFERENCES "public"."users"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "goal_assignments" ADD CONSTRAINT "goal_assignments_tenant_id_goal_id_goals_tenant_id_id_fk" FOREIGN KEY ("tenant_id","goal_id") REFERENCES "public"."goals"("tenant_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "goal_assignments" ADD CONSTRAINT "goal_assignments_tenant_id_user_id_users_tenant_id_id_fk" FOREIGN KEY ("tenant_id","user_id") REFERENCES "public"."users"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "goal_assignments" ADD CONSTRAINT "goal_assignments_tenant_id_team_id_teams_tenant_id_id_fk" FOREIGN KEY ("tenant_id","team_id") REFERENCES "public"."teams"("tenant_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "goal_assignments" ADD CONSTRAINT "goal_assignments_tenant_id_reported_by_users_tenant_id_id_fk" FOREIGN KEY ("tenant_id","reported_by") REFERENCES "public"."users"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "goals" ADD CONSTRAINT "goals_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "goals" ADD CONSTRAINT "goals_tenant_id_brand_id_brands_tenant_id_id_fk" FOREIGN KEY ("tenant_id","brand_id") REFERENCES "public"."brands"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "goals" ADD CONSTRAINT "goals_tenant_id_survey_id_surveys_tenant_id_id_fk" FOREIGN KEY ("tenant_id","survey_id") REFERENCES "public"."surveys"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "goals" ADD CONSTRAINT "goals_tenant_id_created_by_users_tenant_id_id_fk" FOREIGN KEY ("tenant_id","created_by") REFERENCES "public"."users"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "call_cycle_locations_tenant_outlet_idx" ON "call_cycle_locations" USING btree ("tenant_id","outlet_id");--> statement-breakpoint
CREATE INDEX "call_cycle_slots_tenant_cycle_date_idx" ON "call_cycle_slots" USING btree ("tenant_id","cycle_id","slot_date");--> statement-breakpoint
CREATE INDEX "call_cycle_slots_status_date_idx" ON "call_cycle_slots" USING btree ("status","slot_date");--> statement-breakpoint
CREATE INDEX "call_cycle_slots_tenant_visit_idx" ON "call_cycle_slots" USING btree ("tenant_id","visit_id");--> statement-breakpoint
CREATE INDEX "call_cycles_tenant_agent_start_idx" ON "call_cycles" USING btree ("tenant_id","agent_id","start_date");--> statement-breakpoint
CREATE INDEX "call_cycles_tenant_status_idx" ON "call_cycles" USING btree ("tenant_id","status");--> statement-breakpoint
CREATE UNIQUE INDEX "goal_assignments_tenant_goal_user_key" ON "goal_assignments" USING btree ("tenant_id","goal_id","user_id");--> statement-breakpoint
CREATE UNIQUE INDEX "goal_assignments_tenant_goal_team_key" ON "goal_assignments" USING btree ("tenant_id","goal_id","team_id");--> statement-breakpoint
CREATE INDEX "goal_assignments_tenant_user_idx" ON "goal_assignments" USING btree ("tenant_id","user_id");--> statement-breakpoint
CREATE INDEX "goal_assignments_tenant_team_idx" ON "goal_assignments" USING btree ("tenant_id","team_id");--> statement-breakpoint
CREATE INDEX "goals_tenant_period_idx" ON "goals" USING btree ("tenant_id","period_start","period_end");--> statement-breakpoint
CREATE INDEX "goals_tenant_created_by_idx" ON "goals" USING btree ("tenant_id","created_by");--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "call_cycle_locations" AS PERMISSIVE FOR ALL TO "salesops_app" USING ("call_cycle_locations"."tenant_id" = nullif(current_setting('app.tenant_id', true), '')::uuid) WITH CHECK ("call_cycle_locations"."tenant_id" = nullif(current_setting('app.tenant_id', true), '')::uuid);--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "call_cycle_slots" AS PERMISSIVE FOR ALL TO "salesops_app" USING ("call_cycle_slots"."tenant_id" = nullif(current_setting('app.tenant_id', true), '')::uuid) WITH CHECK ("call_cycle_slots"."tenant_id" = nullif(current_setting('app.tenant_id', true), '')::uuid);--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "call_cycles" AS PERMISSIVE FOR ALL TO "salesops_app" USING ("call_cycles"."tenant_id" = nullif(current_setting('app.tenant_id', true), '')::uuid) WITH CHECK ("call_cycles"."tenant_id" = nullif(current_setting('app.tenant_id', true), '')::uuid);--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "goal_assignments" AS PERMISSIVE FOR ALL TO "salesops_app" USING ("goal_assignments"."tenant_id" = nullif(current_setting('app.tenant_id', true), '')::uuid) WITH CHECK ("goal_assignments"."tenant_id" = nullif(current_setting('app.tenant_id', true), '')::uuid);--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "goals" AS PERMISSIVE FOR ALL TO "salesops_app" USING ("goals"."tenant_id" = nullif(current_setting('app.tenant_id', true), '')::uuid) WITH CHECK ("goals"."tenant_id" = nullif(current_setting('app.tenant_id', true), '')::uuid);