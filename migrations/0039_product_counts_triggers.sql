-- A tenant's active and archived products are the sums of its `product_counts` rows: each
-- statement that inserts, archives, restores or deletes products adds one row per tenant with its
-- change, in the same transaction (no row is ever updated, so concurrent writers never wait on each
-- other). A tenant's rows are folded into one once they pass a hundred: the DELETE … RETURNING
-- takes each row exactly once, even when two transactions fold at the same time.
CREATE OR REPLACE FUNCTION product_counts_fold(changed uuid) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
  IF (SELECT count(*) FROM product_counts WHERE tenant_id = changed) > 100 THEN
    WITH folded AS (DELETE FROM product_counts WHERE tenant_id = changed RETURNING active, archived)
    INSERT INTO product_counts (tenant_id, active, archived)
    SELECT changed, coalesce(sum(active), 0), coalesce(sum(archived), 0) FROM folded;
  END IF;
END $$;
--> statement-breakpoint
-- Each branch names only the transition tables its event has (a statement naming another one fails).
CREATE OR REPLACE FUNCTION product_counts_on_change() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  changed uuid;
BEGIN
  IF TG_OP = 'INSERT' THEN
    FOR changed IN
      INSERT INTO product_counts (tenant_id, active, archived)
      SELECT tenant_id, count(*) FILTER (WHERE archived_at IS NULL), count(*) FILTER (WHERE archived_at IS NOT NULL)
      FROM counted_new GROUP BY tenant_id
      RETURNING tenant_id
    LOOP
      PERFORM product_counts_fold(changed);
    END LOOP;
  ELSIF TG_OP = 'DELETE' THEN
    FOR changed IN
      INSERT INTO product_counts (tenant_id, active, archived)
      SELECT tenant_id, -count(*) FILTER (WHERE archived_at IS NULL), -count(*) FILTER (WHERE archived_at IS NOT NULL)
      FROM counted_old GROUP BY tenant_id
      RETURNING tenant_id
    LOOP
      PERFORM product_counts_fold(changed);
    END LOOP;
  ELSE
    FOR changed IN
      INSERT INTO product_counts (tenant_id, active, archived)
      SELECT tenant_id, coalesce(sum(sign) FILTER (WHERE archived_at IS NULL), 0),
        coalesce(sum(sign) FILTER (WHERE archived_at IS NOT NULL), 0)
      FROM (SELECT tenant_id, archived_at, 1 AS sign FROM counted_new
            UNION ALL SELECT tenant_id, archived_at, -1 FROM counted_old) u
      GROUP BY tenant_id
      -- A rename changes no count: no row.
      HAVING coalesce(sum(sign) FILTER (WHERE archived_at IS NULL), 0) <> 0
          OR coalesce(sum(sign) FILTER (WHERE archived_at IS NOT NULL), 0) <> 0
      RETURNING tenant_id
    LOOP
      PERFORM product_counts_fold(changed);
    END LOOP;
  END IF;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER product_counts_insert AFTER INSERT ON products
  REFERENCING NEW TABLE AS counted_new FOR EACH STATEMENT EXECUTE FUNCTION product_counts_on_change();
--> statement-breakpoint
CREATE TRIGGER product_counts_update AFTER UPDATE ON products
  REFERENCING OLD TABLE AS counted_old NEW TABLE AS counted_new
  FOR EACH STATEMENT EXECUTE FUNCTION product_counts_on_change();
--> statement-breakpoint
CREATE TRIGGER product_counts_delete AFTER DELETE ON products
  REFERENCING OLD TABLE AS counted_old FOR EACH STATEMENT EXECUTE FUNCTION product_counts_on_change();
--> statement-breakpoint
INSERT INTO product_counts (tenant_id, active, archived)
SELECT tenant_id, count(*) FILTER (WHERE archived_at IS NULL), count(*) FILTER (WHERE archived_at IS NOT NULL)
FROM products GROUP BY tenant_id;
