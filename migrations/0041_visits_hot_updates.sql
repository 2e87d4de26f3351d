DROP INDEX "visits_tenant_status_date_idx";--> statement-breakpoint
DROP INDEX "visits_tenant_agent_completed_idx";--> statement-breakpoint
CREATE INDEX "visits_tenant_agent_completed_idx" ON "visits" USING btree ("tenant_id","agent_id","completed_at") WHERE "visits"."completed_at" is not null;