-- Product search terms, kept in step with products and their barcodes by triggers in the writing
-- transaction, so every path (API, imports, seeds, integrations) keeps search exact.
-- A product's terms: each word of its lower-cased name (split at white space, and at anything that
-- is not a letter or digit), its lower-cased code and article, and each lower-cased barcode; at most
-- 100 characters each (search is by prefix, so a longer term still matches on its first 100).
-- The functions run with the caller's rights: under the application role, row-level security
-- applies to everything they read and write.
CREATE OR REPLACE FUNCTION product_search_refresh(p_tenant uuid, p_ids uuid[]) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM product_search_terms WHERE tenant_id = p_tenant AND product_id = ANY (p_ids);
  INSERT INTO product_search_terms (tenant_id, product_id, term)
  SELECT p_tenant, s.product_id, s.term
  FROM (
    SELECT p.id AS product_id, left(w, 100) AS term
    FROM products p,
      unnest(regexp_split_to_array(lower(p.name), '\s+')
        || regexp_split_to_array(lower(p.name), '[^[:alnum:]]+')
        || ARRAY[lower(p.code), lower(p.article)]) AS w
    WHERE p.tenant_id = p_tenant AND p.id = ANY (p_ids)
    UNION
    SELECT b.product_id, left(lower(b.barcode), 100)
    FROM product_barcodes b
    WHERE b.tenant_id = p_tenant AND b.product_id = ANY (p_ids)
  ) s
  WHERE s.term IS NOT NULL AND s.term <> '';
END $$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION product_search_on_insert() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  PERFORM product_search_refresh(c.tenant_id, c.ids)
  FROM (SELECT tenant_id, array_agg(DISTINCT id) AS ids FROM inserted GROUP BY tenant_id) c;
  RETURN NULL;
END $$;
--> statement-breakpoint
-- Only products whose searched columns changed are refreshed (an update of a price or the archive
-- flag leaves the terms alone).
CREATE OR REPLACE FUNCTION product_search_on_update() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  PERFORM product_search_refresh(c.tenant_id, c.ids)
  FROM (
    SELECT n.tenant_id, array_agg(DISTINCT n.id) AS ids
    FROM updated_new n JOIN updated_old o ON o.tenant_id = n.tenant_id AND o.id = n.id
    WHERE (n.name, n.code, n.article) IS DISTINCT FROM (o.name, o.code, o.article)
    GROUP BY n.tenant_id
  ) c;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION product_search_on_barcodes() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    PERFORM product_search_refresh(c.tenant_id, c.ids)
    FROM (SELECT tenant_id, array_agg(DISTINCT product_id) AS ids FROM changed_new GROUP BY tenant_id) c;
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
--> statement-breakpoint
DROP TRIGGER IF EXISTS product_search_insert ON products;--> statement-breakpoint
CREATE TRIGGER product_search_insert AFTER INSERT ON products
  REFERENCING NEW TABLE AS inserted FOR EACH STATEMENT EXECUTE FUNCTION product_search_on_insert();--> statement-breakpoint
DROP TRIGGER IF EXISTS product_search_update ON products;--> statement-breakpoint
CREATE TRIGGER product_search_update AFTER UPDATE ON products
  REFERENCING OLD TABLE AS updated_old NEW TABLE AS updated_new
  FOR EACH STATEMENT EXECUTE FUNCTION product_search_on_update();--> statement-breakpoint
DROP TRIGGER IF EXISTS product_search_barcodes_insert ON product_barcodes;--> statement-breakpoint
CREATE TRIGGER product_search_barcodes_insert AFTER INSERT ON product_barcodes
  REFERENCING NEW TABLE AS changed_new FOR EACH STATEMENT EXECUTE FUNCTION product_search_on_barcodes();--> statement-breakpoint
DROP TRIGGER IF EXISTS product_search_barcodes_update ON product_barcodes;--> statement-breakpoint
CREATE TRIGGER product_search_barcodes_update AFTER UPDATE ON product_barcodes
  REFERENCING OLD TABLE AS changed_old NEW TABLE AS changed_new
  FOR EACH STATEMENT EXECUTE FUNCTION product_search_on_barcodes();--> statement-breakpoint
DROP TRIGGER IF EXISTS product_search_barcodes_delete ON product_barcodes;--> statement-breakpoint
CREATE TRIGGER product_search_barcodes_delete AFTER DELETE ON product_barcodes
  REFERENCING OLD TABLE AS changed_old FOR EACH STATEMENT EXECUTE FUNCTION product_search_on_barcodes();--> statement-breakpoint
-- Terms of the products that exist already.
INSERT INTO product_search_terms (tenant_id, product_id, term)
SELECT s.tenant_id, s.product_id, s.term
FROM (
  SELECT p.tenant_id, p.id AS product_id, left(w, 100) AS term
  FROM products p,
    unnest(regexp_split_to_array(lower(p.name), '\s+')
      || regexp_split_to_array(lower(p.name), '[^[:alnum:]]+')
      || ARRAY[lower(p.code), lower(p.article)]) AS w
  UNION
  SELECT b.tenant_id, b.product_id, left(lower(b.barcode), 100) FROM product_barcodes b
) s
WHERE s.term IS NOT NULL AND s.term <> ''
  AND NOT EXISTS (SELECT 1 FROM product_search_terms t WHERE t.tenant_id = s.tenant_id AND t.product_id = s.product_id);
