ALTER TABLE "bonus_run_items" DROP CONSTRAINT "bonus_run_items_tenant_conversion_fk";
--> statement-breakpoint
ALTER TABLE "bonus_run_items" DROP CONSTRAINT "bonus_run_items_tenant_lead_fk";
--> statement-breakpoint
ALTER TABLE "bonus_run_items" DROP CONSTRAINT "bonus_run_items_tenant_id_outlet_id_outlets_tenant_id_id_fk";
--> statement-breakpoint
ALTER TABLE "bonus_run_items" DROP CONSTRAINT "bonus_run_items_tenant_campaign_fk";
