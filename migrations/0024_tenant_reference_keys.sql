-- Composite (tenant_id, …) foreign keys for the reference columns that had none, so a row can only
-- point at a row of its own tenant. They are written by hand because the Drizzle schema cannot say
-- them: users.primary_outlet_id points into catalog (identity's tables must not import catalog's),
-- users.org_unit_id into a table whose definition imports users, and `ON DELETE SET NULL (column)`
-- (PostgreSQL 15+) — clearing only the reference, never tenant_id — has no Drizzle form.
-- References the API let through before (another tenant's id, any UUID) are cleared first, or the
-- keys could not be added. Idempotent: each key is dropped if present and added again.

-- A user's primary outlet: outlets are archived, not deleted; should one go, the user stays.
UPDATE users u SET primary_outlet_id = NULL
WHERE u.primary_outlet_id IS NOT NULL
  AND NOT EXISTS (SELECT 1 FROM outlets o WHERE o.tenant_id = u.tenant_id AND o.id = u.primary_outlet_id);
--> statement-breakpoint
ALTER TABLE users DROP CONSTRAINT IF EXISTS users_tenant_primary_outlet_fk;
--> statement-breakpoint
ALTER TABLE users ADD CONSTRAINT users_tenant_primary_outlet_fk
  FOREIGN KEY (tenant_id, primary_outlet_id) REFERENCES outlets (tenant_id, id)
  ON DELETE SET NULL (primary_outlet_id);
--> statement-breakpoint

-- A user's org unit: deleting a unit takes the assignment away (identity's documented rule).
UPDATE users u SET org_unit_id = NULL
WHERE u.org_unit_id IS NOT NULL
  AND NOT EXISTS (SELECT 1 FROM org_units o WHERE o.tenant_id = u.tenant_id AND o.id = u.org_unit_id);
--> statement-breakpoint
ALTER TABLE users DROP CONSTRAINT IF EXISTS users_tenant_org_unit_fk;
--> statement-breakpoint
ALTER TABLE users ADD CONSTRAINT users_tenant_org_unit_fk
  FOREIGN KEY (tenant_id, org_unit_id) REFERENCES org_units (tenant_id, id)
  ON DELETE SET NULL (org_unit_id);
--> statement-breakpoint

-- A visit's call cycle: a cycle that visits refer to is cancelled, never deleted
-- (DELETE /call-cycles/{id}), and NO ACTION makes that a guarantee rather than a habit.
UPDATE visits v SET call_cycle_id = NULL
WHERE v.call_cycle_id IS NOT NULL
  AND NOT EXISTS (SELECT 1 FROM call_cycles c WHERE c.tenant_id = v.tenant_id AND c.id = v.call_cycle_id);
--> statement-breakpoint
ALTER TABLE visits DROP CONSTRAINT IF EXISTS visits_tenant_call_cycle_fk;
--> statement-breakpoint
ALTER TABLE visits ADD CONSTRAINT visits_tenant_call_cycle_fk
  FOREIGN KEY (tenant_id, call_cycle_id) REFERENCES call_cycles (tenant_id, id);
