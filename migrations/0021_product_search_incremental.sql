-- Keeping search terms in step costs a fraction of what it did: a new product's terms are only
-- inserted (it has none to delete, and its barcodes come after it), and new barcodes add their one
-- term each instead of recomputing every term of their products. Updates and deletes still
-- recompute the affected products' terms in full, so a term another column still produces stays.
CREATE OR REPLACE FUNCTION product_search_on_insert() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO product_search_terms (tenant_id, product_id, term)
  SELECT DISTINCT s.tenant_id, s.product_id, s.term
  FROM (
    SELECT i.tenant_id, i.id AS product_id, left(w, 100) AS term
    FROM inserted i,
      unnest(regexp_split_to_array(lower(i.name), '\s+')
        || regexp_split_to_array(lower(i.name), '[^[:alnum:]]+')
        || ARRAY[lower(i.code), lower(i.article)]) AS w
  ) s
  WHERE s.term IS NOT NULL AND s.term <> '';
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION product_search_on_barcodes() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO product_search_terms (tenant_id, product_id, term)
    SELECT DISTINCT n.tenant_id, n.product_id, left(lower(n.barcode), 100)
    FROM changed_new n
    WHERE n.barcode <> ''
      AND NOT EXISTS (SELECT 1 FROM product_search_terms t
                       WHERE t.tenant_id = n.tenant_id AND t.product_id = n.product_id
                         AND t.term = left(lower(n.barcode), 100));
  ELSIF TG_OP = 'DELETE' THEN
    PERFORM product_search_refresh(c.tenant_id, c.ids)
    FROM (SELECT tenant_id, array_agg(DISTINCT product_id) AS ids FROM changed_old GROUP BY tenant_id) c;
  ELSE
    PERFORM product_search_refresh(c.tenant_id, c.ids)
    FROM (
      SELECT tenant_id, array_agg(DISTINCT product_id) AS ids
      FROM (SELECT tenant_id, product_id FROM changed_new UNION SELECT tenant_id, product_id FROM changed_old) u
      GROUP BY tenant_id
    ) c;
  END IF;
  RETURN NULL;
END $$;
