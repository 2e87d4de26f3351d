-- commerce_sales_daily kept in step with commerce_document_positions by statement triggers in the
-- writing transaction, so every writer (the document writer, the ERP sync's bulk statements, the
-- scale seed) keeps the daily sales figures exact without knowing about them.
-- Each statement turns the positions it inserted, updated or deleted into signed deltas per
-- (tenant, local day, product, customer, warehouse, owner), adds them under the row lock
-- (x = x + delta, in key order so that overlapping writers lock rows in the same order) and deletes
-- the rows left without positions. The functions run with the caller's rights: under the
-- application role, row-level security applies to what they read and write.
-- The local day follows the tenant's time zone (identity's `time_zone` setting, UTC without one);
-- when it changes, the tenant's rows are rebuilt from the positions (trigger on tenants).

-- What one position adds (p_sign = 1) or takes away (-1) on its local day in p_zone. Returns count
-- negatively, as they count in the analytics: shipments − returns.
CREATE OR REPLACE FUNCTION commerce_sales_daily_delta(
  p_sign int, p commerce_document_positions, p_zone text
) RETURNS commerce_sales_daily
LANGUAGE sql IMMUTABLE AS $$
  SELECT ROW(p.tenant_id, (p.moment AT TIME ZONE p_zone)::date, p.product_id, p.customer_id, p.warehouse_id,
    p.owner_id,
    p_sign * CASE WHEN p.kind = 'sales_return' THEN -p.sum ELSE p.sum END,
    p_sign * CASE WHEN p.kind = 'sales_return' THEN -1 ELSE 1 END * p.quantity * p.unit_cost,
    p_sign * CASE WHEN p.kind = 'sales_return' THEN -p.quantity ELSE p.quantity END,
    p_sign)::commerce_sales_daily
$$;
--> statement-breakpoint
-- Writers of a tenant's positions share this lock with each other; a rebuild takes it alone, so it
-- never interleaves with a delta of the same tenant (a delta added to rows the rebuild then replaces
-- from a snapshot that missed the delta's positions would be lost).
CREATE OR REPLACE FUNCTION commerce_sales_daily_lock_key(p_tenant uuid) RETURNS int
LANGUAGE sql IMMUTABLE AS $$ SELECT hashtext('commerce_sales_daily:' || p_tenant::text) $$;
--> statement-breakpoint
-- Adds the deltas, one upsert per key; all-zero sums (an update that changed nothing counted) are
-- skipped; rows whose positions reached 0 are deleted.
CREATE OR REPLACE FUNCTION commerce_sales_daily_add(p_deltas commerce_sales_daily[]) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
  emptied commerce_sales_daily[];
BEGIN
  IF p_deltas IS NULL THEN
    RETURN;
  END IF;
  PERFORM pg_advisory_xact_lock_shared(commerce_sales_daily_lock_key(t.tenant_id))
  FROM (SELECT DISTINCT d.tenant_id FROM unnest(p_deltas) d ORDER BY 1) t;
  WITH d AS (
    SELECT d.tenant_id, d.day, d.product_id, d.customer_id, d.warehouse_id, d.owner_id,
      sum(d.revenue) AS revenue, sum(d.cost) AS cost, sum(d.quantity) AS quantity,
      sum(d.positions)::int AS positions
    FROM unnest(p_deltas) d
    GROUP BY 1, 2, 3, 4, 5, 6
    HAVING sum(d.positions) <> 0 OR sum(d.revenue) <> 0 OR sum(d.cost) <> 0 OR sum(d.quantity) <> 0
  ),
  upserted AS (
    INSERT INTO commerce_sales_daily AS r (tenant_id, day, product_id, customer_id, warehouse_id, owner_id,
      revenue, cost, quantity, positions)
    SELECT * FROM d ORDER BY 1, 2, 3, 4, 5, 6
    ON CONFLICT ON CONSTRAINT commerce_sales_daily_key DO UPDATE SET
      revenue = r.revenue + excluded.revenue,
      cost = r.cost + excluded.cost,
      quantity = r.quantity + excluded.quantity,
      positions = r.positions + excluded.positions
    RETURNING r.*
  )
  SELECT array_agg(u) INTO emptied FROM upserted u WHERE u.positions = 0;
  IF emptied IS NOT NULL THEN
    DELETE FROM commerce_sales_daily r
    USING unnest(emptied) e
    WHERE r.tenant_id = e.tenant_id AND r.day = e.day AND r.product_id = e.product_id
      AND r.customer_id IS NOT DISTINCT FROM e.customer_id
      AND r.warehouse_id IS NOT DISTINCT FROM e.warehouse_id
      AND r.owner_id IS NOT DISTINCT FROM e.owner_id
      AND r.positions = 0;
  END IF;
END $$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION commerce_sales_daily_on_positions() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    PERFORM commerce_sales_daily_add(array_agg(
      commerce_sales_daily_delta(1, n, coalesce(t.settings ->> 'time_zone', 'UTC'))))
    FROM inserted n JOIN tenants t ON t.id = n.tenant_id
    WHERE n.active AND n.kind IN ('shipment', 'sales_return');
  ELSIF TG_OP = 'DELETE' THEN
    PERFORM commerce_sales_daily_add(array_agg(
      commerce_sales_daily_delta(-1, o, coalesce(t.settings ->> 'time_zone', 'UTC'))))
    FROM deleted o JOIN tenants t ON t.id = o.tenant_id
    WHERE o.active AND o.kind IN ('shipment', 'sales_return');
  ELSE
    PERFORM commerce_sales_daily_add(array_agg(c.d))
    FROM (
      SELECT commerce_sales_daily_delta(1, n, coalesce(t.settings ->> 'time_zone', 'UTC')) AS d
      FROM updated_new n JOIN tenants t ON t.id = n.tenant_id
      WHERE n.active AND n.kind IN ('shipment', 'sales_return')
      UNION ALL
      SELECT commerce_sales_daily_delta(-1, o, coalesce(t.settings ->> 'time_zone', 'UTC'))
      FROM updated_old o JOIN tenants t ON t.id = o.tenant_id
      WHERE o.active AND o.kind IN ('shipment', 'sales_return')
    ) c;
  END IF;
  RETURN NULL;
END $$;
--> statement-breakpoint
-- Recomputes a tenant's rows from its positions in its current time zone; returns how many rows
-- it wrote. Used by this migration for existing data, on a time zone change, and to repair drift.
CREATE OR REPLACE FUNCTION commerce_sales_daily_rebuild(p_tenant uuid) RETURNS integer
LANGUAGE plpgsql AS $$
DECLARE
  made integer;
BEGIN
  PERFORM pg_advisory_xact_lock(commerce_sales_daily_lock_key(p_tenant));
  DELETE FROM commerce_sales_daily WHERE tenant_id = p_tenant;
  INSERT INTO commerce_sales_daily (tenant_id, day, product_id, customer_id, warehouse_id, owner_id,
    revenue, cost, quantity, positions)
  SELECT (d).tenant_id, (d).day, (d).product_id, (d).customer_id, (d).warehouse_id, (d).owner_id,
    sum((d).revenue), sum((d).cost), sum((d).quantity), sum((d).positions)
  FROM (
    SELECT commerce_sales_daily_delta(1, p, coalesce(t.settings ->> 'time_zone', 'UTC')) AS d
    FROM commerce_document_positions p JOIN tenants t ON t.id = p.tenant_id
    WHERE p.tenant_id = p_tenant AND p.active AND p.kind IN ('shipment', 'sales_return')
  ) x
  GROUP BY 1, 2, 3, 4, 5, 6
  ORDER BY 1, 2, 3, 4, 5, 6;
  GET DIAGNOSTICS made = ROW_COUNT;
  RETURN made;
END $$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION commerce_sales_daily_on_time_zone() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  PERFORM commerce_sales_daily_rebuild(NEW.id);
  RETURN NULL;
END $$;
--> statement-breakpoint
DROP TRIGGER IF EXISTS commerce_sales_daily_insert ON commerce_document_positions;--> statement-breakpoint
CREATE TRIGGER commerce_sales_daily_insert AFTER INSERT ON commerce_document_positions
  REFERENCING NEW TABLE AS inserted FOR EACH STATEMENT EXECUTE FUNCTION commerce_sales_daily_on_positions();--> statement-breakpoint
DROP TRIGGER IF EXISTS commerce_sales_daily_update ON commerce_document_positions;--> statement-breakpoint
CREATE TRIGGER commerce_sales_daily_update AFTER UPDATE ON commerce_document_positions
  REFERENCING OLD TABLE AS updated_old NEW TABLE AS updated_new
  FOR EACH STATEMENT EXECUTE FUNCTION commerce_sales_daily_on_positions();--> statement-breakpoint
DROP TRIGGER IF EXISTS commerce_sales_daily_delete ON commerce_document_positions;--> statement-breakpoint
CREATE TRIGGER commerce_sales_daily_delete AFTER DELETE ON commerce_document_positions
  REFERENCING OLD TABLE AS deleted FOR EACH STATEMENT EXECUTE FUNCTION commerce_sales_daily_on_positions();--> statement-breakpoint
DROP TRIGGER IF EXISTS commerce_sales_daily_time_zone ON tenants;--> statement-breakpoint
CREATE TRIGGER commerce_sales_daily_time_zone AFTER UPDATE OF settings ON tenants
  FOR EACH ROW WHEN (OLD.settings ->> 'time_zone' IS DISTINCT FROM NEW.settings ->> 'time_zone')
  EXECUTE FUNCTION commerce_sales_daily_on_time_zone();--> statement-breakpoint
SELECT commerce_sales_daily_rebuild(id) FROM tenants;
