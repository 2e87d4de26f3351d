ALTER TABLE "bonus_run_items" DROP CONSTRAINT "bonus_run_items_tenant_run_fk";
--> statement-breakpoint
ALTER TABLE "bonus_run_items" DROP CONSTRAINT "bonus_run_items_tenant_id_agent_id_users_tenant_id_id_fk";
