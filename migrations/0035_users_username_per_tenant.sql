DROP INDEX "users_username_key";--> statement-breakpoint
CREATE UNIQUE INDEX "users_tenant_username_key" ON "users" USING btree (lower("username"),"tenant_id");