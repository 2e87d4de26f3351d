-- The application role. Every tenant transaction switches to it (set_config('role', ...)), so
-- row-level security applies: it is not a superuser, owns no table and cannot log in by itself.
-- Idempotent: roles are cluster-wide and several databases (tests, tenants' replicas) share them.
DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'salesops_app') THEN
    CREATE ROLE salesops_app NOLOGIN NOSUPERUSER NOBYPASSRLS;
  END IF;
  -- The migrating (connecting) user must be able to switch to it.
  IF NOT pg_has_role(current_user, 'salesops_app', 'MEMBER') THEN
    EXECUTE format('GRANT salesops_app TO %I', current_user);
  END IF;
END
$$;
--> statement-breakpoint
GRANT USAGE ON SCHEMA public TO salesops_app;
--> statement-breakpoint
-- Tables and sequences created by later migrations are usable by the application role; tables that
-- must be append-only (the audit log) revoke what they must not allow in their own migration.
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO salesops_app;
--> statement-breakpoint
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO salesops_app;
