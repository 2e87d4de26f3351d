CREATE TABLE "csat_responses" (
	"tenant_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"customer_id" uuid NOT NULL,
	"deployment_id" uuid,
	"survey_type" text NOT NULL,
	"score" smallint NOT NULL,
	"feedback_text" text,
	"submitted_by_name" text,
	"submitted_by_email" text,
	"submitted_by_user" uuid,
	"ticket_reference" text,
	"link_id" uuid,
	"submitted_at" timestamp with time zone DEFAULT now() NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "csat_responses_tenant_id_id_pk" PRIMARY KEY("tenant_id","id"),
	CONSTRAINT "csat_responses_type_check" CHECK ("survey_type" in ('post_ticket', 'quarterly', 'nps', 'onboarding')),
	CONSTRAINT "csat_responses_score_check" CHECK (case when "csat_responses"."survey_type" = 'nps' then "csat_responses"."score" between 0 and 10 else "csat_responses"."score" between 1 and 5 end)
);
--> statement-breakpoint
ALTER TABLE "csat_responses" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "csat_survey_links" (
	"tenant_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"customer_id" uuid NOT NULL,
	"deployment_id" uuid,
	"survey_type" text NOT NULL,
	"recipient_name" text,
	"recipient_email" text,
	"ticket_reference" text,
	"expires_at" timestamp with time zone NOT NULL,
	"used_at" timestamp with time zone,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "csat_survey_links_tenant_id_id_pk" PRIMARY KEY("tenant_id","id"),
	CONSTRAINT "csat_survey_links_type_check" CHECK ("survey_type" in ('post_ticket', 'quarterly', 'nps', 'onboarding'))
);
--> statement-breakpoint
ALTER TABLE "csat_survey_links" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "deployments" (
	"tenant_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"customer_id" uuid NOT NULL,
	"product_name" text NOT NULL,
	"deployment_date" date,
	"version" text,
	"environment" text DEFAULT 'cloud' NOT NULL,
	"licence_type" text,
	"licence_expiry" date,
	"is_active" boolean DEFAULT true NOT NULL,
	"notes" text,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "deployments_tenant_id_id_pk" PRIMARY KEY("tenant_id","id"),
	CONSTRAINT "deployments_environment_check" CHECK ("deployments"."environment" in ('cloud', 'on_premise', 'hybrid')),
	CONSTRAINT "deployments_product_name_check" CHECK (length("deployments"."product_name") between 1 and 200)
);
--> statement-breakpoint
ALTER TABLE "deployments" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "health_scores" (
	"tenant_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"customer_id" uuid NOT NULL,
	"deployment_id" uuid,
	"overall_score" smallint NOT NULL,
	"adoption_score" smallint NOT NULL,
	"support_score" smallint NOT NULL,
	"engagement_score" smallint NOT NULL,
	"financial_score" smallint NOT NULL,
	"risk_level" text NOT NULL,
	"trend" text NOT NULL,
	"factors" jsonb NOT NULL,
	"weights" jsonb NOT NULL,
	"calculated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"calculated_by" uuid,
	CONSTRAINT "health_scores_tenant_id_id_pk" PRIMARY KEY("tenant_id","id"),
	CONSTRAINT "health_scores_range_check" CHECK ("overall_score" between 0 and 100 and "adoption_score" between 0 and 100 and "support_score" between 0 and 100 and "engagement_score" between 0 and 100 and "financial_score" between 0 and 100),
	CONSTRAINT "health_scores_risk_check" CHECK ("health_scores"."risk_level" in ('low', 'medium', 'high', 'critical')),
	CONSTRAINT "health_scores_trend_check" CHECK ("health_scores"."trend" in ('improving', 'stable', 'declining'))
);
--> statement-breakpoint
ALTER TABLE "health_scores" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "success_daily_runs" (
	"tenant_id" uuid NOT NULL,
	"task" text NOT NULL,
	"local_date" date NOT NULL,
	"completed_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "success_daily_runs_tenant_id_task_local_date_pk" PRIMARY KEY("tenant_id","task","local_date")
);
--> statement-breakpoint
ALTER TABLE "success_daily_runs" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "customer_interactions" (
	"tenant_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"customer_id" uuid NOT NULL,
	"deployment_id" uuid,
	"interaction_type" text NOT NULL,
	"subject" text NOT NULL,
	"description" text,
	"sentiment" text DEFAULT 'neutral' NOT NULL,
	"performed_by" uuid,
	"interaction_date" timestamp with time zone NOT NULL,
	"follow_up_required" boolean DEFAULT false NOT NULL,
	"follow_up_date" date,
	"follow_up_completed_at" timestamp with time zone,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "customer_interactions_tenant_id_id_pk" PRIMARY KEY("tenant_id","id"),
	CONSTRAINT "customer_interactions_type_check" CHECK ("customer_interactions"."interaction_type" in ('support_ticket', 'meeting', 'email', 'call', 'escalation', 'training')),
	CONSTRAINT "customer_interactions_sentiment_check" CHECK ("customer_interactions"."sentiment" in ('positive', 'neutral', 'negative')),
	CONSTRAINT "customer_interactions_follow_up_check" CHECK ("customer_interactions"."follow_up_date" is null or "customer_interactions"."follow_up_required")
);
--> statement-breakpoint
ALTER TABLE "customer_interactions" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "customers" ADD COLUMN "health_score" smallint;--> statement-breakpoint
ALTER TABLE "customers" ADD COLUMN "health_risk" text;--> statement-breakpoint
ALTER TABLE "customers" ADD COLUMN "health_scored_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "csat_responses" ADD CONSTRAINT "csat_responses_tenant_id_customer_id_customers_tenant_id_id_fk" FOREIGN KEY ("tenant_id","customer_id") REFERENCES "public"."customers"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "csat_responses" ADD CONSTRAINT "csat_responses_tenant_deployment_fk" FOREIGN KEY ("tenant_id","deployment_id") REFERENCES "public"."deployments"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "csat_responses" ADD CONSTRAINT "csat_responses_tenant_user_fk" FOREIGN KEY ("tenant_id","submitted_by_user") REFERENCES "public"."users"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "csat_responses" ADD CONSTRAINT "csat_responses_tenant_link_fk" FOREIGN KEY ("tenant_id","link_id") REFERENCES "public"."csat_survey_links"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "csat_survey_links" ADD CONSTRAINT "csat_survey_links_tenant_id_customer_id_customers_tenant_id_id_fk" FOREIGN KEY ("tenant_id","customer_id") REFERENCES "public"."customers"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "csat_survey_links" ADD CONSTRAINT "csat_survey_links_tenant_deployment_fk" FOREIGN KEY ("tenant_id","deployment_id") REFERENCES "public"."deployments"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "csat_survey_links" ADD CONSTRAINT "csat_survey_links_tenant_creator_fk" FOREIGN KEY ("tenant_id","created_by") REFERENCES "public"."users"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "deployments" ADD CONSTRAINT "deployments_tenant_id_customer_id_customers_tenant_id_id_fk" FOREIGN KEY ("tenant_id","customer_id") REFERENCES "public"."customers"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "deployments" ADD CONSTRAINT "deployments_tenant_id_created_by_users_tenant_id_id_fk" FOREIGN KEY ("tenant_id","created_by") REFERENCES "public"."users"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "health_scores" ADD CONSTRAINT "health_scores_tenant_id_customer_id_customers_tenant_id_id_fk" FOREIGN KEY ("tenant_id","customer_id") REFERENCES "public"."customers"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "health_scores" ADD CONSTRAINT "health_scores_tenant_deployment_fk" FOREIGN KEY ("tenant_id","deployment_id") REFERENCES "public"."deployments"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "health_scores" ADD CONSTRAINT "health_scores_tenant_calculated_by_fk" FOREIGN KEY ("tenant_id","calculated_by") REFERENCES "public"."users"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "customer_interactions" ADD CONSTRAINT "customer_interactions_tenant_id_customer_id_customers_tenant_id_id_fk" FOREIGN KEY ("tenant_id","customer_id") REFERENCES "public"."customers"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "customer_interactions" ADD CONSTRAINT "customer_interactions_tenant_deployment_fk" FOREIGN KEY ("tenant_id","deployment_id") REFERENCES "public"."deployments"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "customer_interactions" ADD CONSTRAINT "customer_interactions_tenant_performer_fk" FOREIGN KEY ("tenant_id","performed_by") REFERENCES "public"."users"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "customer_interactions" ADD CONSTRAINT "customer_interactions_tenant_creator_fk" FOREIGN KEY ("tenant_id","created_by") REFERENCES "public"."users"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "csat_responses_tenant_link_key" ON "csat_responses" USING btree ("tenant_id","link_id") WHERE "csat_responses"."link_id" is not null;--> statement-breakpoint
CREATE INDEX "csat_responses_tenant_customer_time_idx" ON "csat_responses" USING btree ("tenant_id","customer_id","submitted_at");--> statement-breakpoint
CREATE INDEX "csat_responses_tenant_time_idx" ON "csat_responses" USING btree ("tenant_id","submitted_at");--> statement-breakpoint
CREATE INDEX "csat_survey_links_tenant_customer_idx" ON "csat_survey_links" USING btree ("tenant_id","customer_id");--> statement-breakpoint
CREATE INDEX "deployments_tenant_customer_idx" ON "deployments" USING btree ("tenant_id","customer_id");--> statement-breakpoint
CREATE INDEX "deployments_tenant_product_idx" ON "deployments" USING btree ("tenant_id","product_name");--> statement-breakpoint
CREATE INDEX "deployments_tenant_licence_expiry_idx" ON "deployments" USING btree ("tenant_id","licence_expiry") WHERE "deployments"."is_active" and "deployments"."licence_expiry" is not null;--> statement-breakpoint
CREATE INDEX "health_scores_tenant_customer_time_idx" ON "health_scores" USING btree ("tenant_id","customer_id","calculated_at") WHERE "health_scores"."deployment_id" is null;--> statement-breakpoint
CREATE INDEX "health_scores_tenant_deployment_time_idx" ON "health_scores" USING btree ("tenant_id","deployment_id","calculated_at") WHERE "health_scores"."deployment_id" is not null;--> statement-breakpoint
CREATE INDEX "health_scores_tenant_time_idx" ON "health_scores" USING btree ("tenant_id","calculated_at");--> statement-breakpoint
CREATE INDEX "customer_interactions_tenant_customer_date_idx" ON "customer_interactions" USING btree ("tenant_id","customer_id","interaction_date");--> statement-breakpoint
CREATE INDEX "customer_interactions_tenant_date_idx" ON "customer_interactions" USING btree ("tenant_id","interaction_date");--> statement-breakpoint
CREATE INDEX "customer_interactions_tenant_follow_up_idx" ON "customer_interactions" USING btree ("tenant_id","follow_up_date") WHERE "customer_interactions"."follow_up_required" and "customer_interactions"."follow_up_completed_at" is null;--> statement-breakpoint
CREATE INDEX "customers_tenant_health_idx" ON "customers" USING btree ("tenant_id","health_score","id");--> statement-breakpoint
ALTER TABLE "customers" ADD CONSTRAINT "customers_health_check" CHECK (("customers"."health_score" is null or "customers"."health_score" between 0 and 100) and ("customers"."health_risk" is null or "customers"."health_risk" in ('low', 'medium', 'high', 'critical')));--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "csat_responses" AS PERMISSIVE FOR ALL TO "salesops_app" USING ("csat_responses"."tenant_id" = nullif(current_setting('app.tenant_id', true), '')::uuid) WITH CHECK ("csat_responses"."tenant_id" = nullif(current_setting('app.tenant_id', true), '')::uuid);--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "csat_survey_links" AS PERMISSIVE FOR ALL TO "salesops_app" USING ("csat_survey_links"."tenant_id" = nullif(current_setting('app.tenant_id', true), '')::uuid) WITH CHECK ("csat_survey_links"."tenant_id" = nullif(current_setting('app.tenant_id', true), '')::uuid);--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "deployments" AS PERMISSIVE FOR ALL TO "salesops_app" USING ("deployments"."tenant_id" = nullif(current_setting('app.tenant_id', true), '')::uuid) WITH CHECK ("deployments"."tenant_id" = nullif(current_setting('app.tenant_id', true), '')::uuid);--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "health_scores" AS PERMISSIVE FOR ALL TO "salesops_app" USING ("health_scores"."tenant_id" = nullif(current_setting('app.tenant_id', true), '')::uuid) WITH CHECK ("health_scores"."tenant_id" = nullif(current_setting('app.tenant_id', true), '')::uuid);--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "success_daily_runs" AS PERMISSIVE FOR ALL TO "salesops_app" USING ("success_daily_runs"."tenant_id" = nullif(current_setting('app.tenant_id', true), '')::uuid) WITH CHECK ("success_daily_runs"."tenant_id" = nullif(current_setting('app.tenant_id', true), '')::uuid);--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "customer_interactions" AS PERMISSIVE FOR ALL TO "salesops_app" USING ("customer_interactions"."tenant_id" = nullif(current_setting('app.tenant_id', true), '')::uuid) WITH CHECK ("customer_interactions"."tenant_id" = nullif(current_setting('app.tenant_id', true), '')::uuid);