-- A visit's tenant is implied by its agent's key ((tenant_id, agent_id) → users, users → tenants).
-- The visit's own key to tenants added nothing but a KEY SHARE lock on the tenant's row at every
-- insert: one row shared by all of a tenant's agents writing at once (a multixact per insert).
ALTER TABLE "visits" DROP CONSTRAINT "visits_tenant_id_tenants_id_fk";
