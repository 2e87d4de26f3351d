CREATE TABLE "health_snapshots" (
	"tenant_id" uuid NOT NULL,
	"day" date NOT NULL,
	"owner_id" uuid,
	"customers" integer DEFAULT 0 NOT NULL,
	"score_sum" integer DEFAULT 0 NOT NULL,
	"low" integer DEFAULT 0 NOT NULL,
	"medium" integer DEFAULT 0 NOT NULL,
	"high" integer DEFAULT 0 NOT NULL,
	"critical" integer DEFAULT 0 NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "health_snapshots_tenant_day_owner_key" UNIQUE NULLS NOT DISTINCT("tenant_id","day","owner_id")
);
--> statement-breakpoint
ALTER TABLE "health_snapshots" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "health_snapshots" ADD CONSTRAINT "health_snapshots_tenant_owner_fk" FOREIGN KEY ("tenant_id","owner_id") REFERENCES "public"."users"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "health_snapshots" AS PERMISSIVE FOR ALL TO "salesops_app" USING ("health_snapshots"."tenant_id" = nullif(current_setting('app.tenant_id', true), '')::uuid) WITH CHECK ("health_snapshots"."tenant_id" = nullif(current_setting('app.tenant_id', true), '')::uuid);--> statement-breakpoint
-- The days already scored: each customer's latest customer-level score of the tenant-local day,
-- under the customer's account manager of today (the closest to the snapshots scoring now takes).
INSERT INTO "health_snapshots" ("tenant_id", "day", "owner_id", "customers", "score_sum", "low", "medium", "high", "critical")
SELECT x.tenant_id, x.day, c.owner_id, count(*)::int, sum(x.overall_score)::int,
  count(*) FILTER (WHERE x.risk_level = 'low')::int, count(*) FILTER (WHERE x.risk_level = 'medium')::int,
  count(*) FILTER (WHERE x.risk_level = 'high')::int, count(*) FILTER (WHERE x.risk_level = 'critical')::int
FROM (
  SELECT DISTINCT ON (d.tenant_id, d.customer_id, d.day) d.tenant_id, d.customer_id, d.day, d.overall_score, d.risk_level
  FROM (
    SELECT h.tenant_id, h.customer_id, h.id, h.calculated_at, h.overall_score, h.risk_level,
      (h.calculated_at AT TIME ZONE coalesce(t.settings->>'time_zone', 'UTC'))::date AS day
    FROM "health_scores" h JOIN "tenants" t ON t.id = h.tenant_id
    WHERE h.deployment_id IS NULL
  ) d
  ORDER BY d.tenant_id, d.customer_id, d.day, d.calculated_at DESC, d.id DESC
) x
JOIN "customers" c ON c.tenant_id = x.tenant_id AND c.id = x.customer_id
GROUP BY x.tenant_id, x.day, c.owner_id
ON CONFLICT DO NOTHING;
