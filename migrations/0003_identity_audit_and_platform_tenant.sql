-- The audit log is append-only for the application: no UPDATE or DELETE, whatever the default grants.
REVOKE UPDATE, DELETE, TRUNCATE ON "audit_log" FROM salesops_app;
--> statement-breakpoint
-- The platform tenant holds the super administrators (who belong to no customer tenant).
INSERT INTO "tenants" ("id", "name", "slug", "status", "settings")
VALUES ('00000000-0000-7000-8000-000000000000', 'Platform', 'platform', 'active', '{}')
ON CONFLICT ("id") DO NOTHING;
