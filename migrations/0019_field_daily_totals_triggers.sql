-- field_daily_totals kept in step with visits, photos, shelf marks and brands by triggers in the
-- writing transaction, so every path (API, imports, seeds, jobs) keeps the overview exact.
-- Each trigger turns the rows a statement wrote into deltas per (tenant, agent, day) and adds them
-- under the row lock (x = x + delta): concurrent writers of one agent's day serialise on that row
-- and never lose a count, which recomputing from a snapshot could. The functions run with the
-- caller's rights: under the application role, row-level security applies to what they touch.

-- A delta row; the column order is field_daily_totals'.
CREATE OR REPLACE FUNCTION field_totals_delta(
  p_tenant uuid, p_agent uuid, p_day date,
  p_planned int, p_completed int, p_surveys int, p_verified int, p_inside int,
  p_photos int, p_share_own bigint, p_share_all bigint
) RETURNS field_daily_totals
LANGUAGE sql IMMUTABLE AS $$
  SELECT ROW(p_tenant, p_agent, p_day, p_planned, p_completed, p_surveys, p_verified, p_inside,
    p_photos, p_share_own, p_share_all)::field_daily_totals
$$;
--> statement-breakpoint
-- What one visit adds (p_sign = 1) or takes away (-1): it counts on its planned date; a completed
-- visit is inside the geofence when its completion fix is and its check-in fix is not outside.
CREATE OR REPLACE FUNCTION field_visit_delta(
  p_sign int, p_tenant uuid, p_agent uuid, p_day date, p_status text, p_survey uuid,
  p_completion_inside boolean, p_check_in_inside boolean
) RETURNS field_daily_totals
LANGUAGE sql IMMUTABLE AS $$
  SELECT field_totals_delta(p_tenant, p_agent, p_day, p_sign,
    CASE WHEN p_status = 'completed' THEN p_sign ELSE 0 END,
    CASE WHEN p_status = 'completed' AND p_survey IS NOT NULL THEN p_sign ELSE 0 END,
    CASE WHEN p_status = 'completed' AND p_completion_inside IS NOT NULL THEN p_sign ELSE 0 END,
    CASE WHEN p_status = 'completed' AND p_completion_inside AND p_check_in_inside IS NOT FALSE
      THEN p_sign ELSE 0 END,
    0, 0, 0)
$$;
--> statement-breakpoint
-- A brand's share of one shelf photo in basis points: its area % when given, else marked cells ÷
-- grid cells × 100, rounded to two decimals as the shelf-share report rounds it, × 100.
CREATE OR REPLACE FUNCTION field_quadrant_share(
  p_cells jsonb, p_area double precision, p_rows int, p_cols int
) RETURNS bigint
LANGUAGE sql IMMUTABLE AS $$
  SELECT (round(coalesce(p_area, jsonb_array_length(p_cells) * 100.0 / (p_rows * p_cols))::numeric, 2) * 100)::bigint
$$;
--> statement-breakpoint
-- Photos and shares count on the UTC day the photo was uploaded.
CREATE OR REPLACE FUNCTION field_photo_day(p_created timestamptz) RETURNS date
LANGUAGE sql IMMUTABLE AS $$ SELECT (p_created AT TIME ZONE 'UTC')::date $$;
--> statement-breakpoint
-- The tenant-total bucket of an agent (TENANT_TOTAL_BUCKETS in daily-totals.tables.ts).
CREATE OR REPLACE FUNCTION field_totals_bucket(p_agent uuid) RETURNS smallint
LANGUAGE sql IMMUTABLE AS $$ SELECT (hashtext(p_agent::text) & 15)::smallint $$;
--> statement-breakpoint
-- Adds the deltas, one upsert per (tenant, agent, day) and one per (tenant, day, bucket), in key
-- order so that two transactions touching overlapping days lock them in the same order; all-zero
-- deltas (an update that changed nothing counted) are skipped. The bucket is a hash of the agent
-- (16 per tenant and day), so agents writing at once rarely share a tenant row.
CREATE OR REPLACE FUNCTION field_totals_add(p_deltas field_daily_totals[]) RETURNS void
LANGUAGE sql AS $$
  WITH d AS (
    SELECT d.tenant_id, d.agent_id, d.day, sum(d.visits_planned) AS visits_planned,
      sum(d.visits_completed) AS visits_completed, sum(d.surveys_completed) AS surveys_completed,
      sum(d.geofence_verified) AS geofence_verified, sum(d.geofence_inside) AS geofence_inside,
      sum(d.photos) AS photos, sum(d.share_own_bp) AS share_own_bp, sum(d.share_all_bp) AS share_all_bp
    FROM unnest(p_deltas) d
    GROUP BY d.tenant_id, d.agent_id, d.day
    HAVING sum(d.visits_planned) <> 0 OR sum(d.visits_completed) <> 0 OR sum(d.surveys_completed) <> 0
      OR sum(d.geofence_verified) <> 0 OR sum(d.geofence_inside) <> 0 OR sum(d.photos) <> 0
      OR sum(d.share_own_bp) <> 0 OR sum(d.share_all_bp) <> 0
  ),
  by_agent AS (
    INSERT INTO field_daily_totals AS t (tenant_id, agent_id, day, visits_planned, visits_completed,
      surveys_completed, geofence_verified, geofence_inside, photos, share_own_bp, share_all_bp)
    SELECT * FROM d ORDER BY 1, 2, 3
    ON CONFLICT (tenant_id, agent_id, day) DO UPDATE SET
      visits_planned = t.visits_planned + excluded.visits_planned,
      visits_completed = t.visits_completed + excluded.visits_completed,
      surveys_completed = t.surveys_completed + excluded.surveys_completed,
      geofence_verified = t.geofence_verified + excluded.geofence_verified,
      geofence_inside = t.geofence_inside + excluded.geofence_inside,
      photos = t.photos + excluded.photos,
      share_own_bp = t.share_own_bp + excluded.share_own_bp,
      share_all_bp = t.share_all_bp + excluded.share_all_bp
  )
  INSERT INTO field_daily_tenant_totals AS t (tenant_id, day, bucket, visits_planned, visits_completed,
    surveys_completed, geofence_verified, geofence_inside, photos, share_own_bp, share_all_bp)
  SELECT d.tenant_id, d.day, field_totals_bucket(d.agent_id), sum(d.visits_planned), sum(d.visits_completed),
    sum(d.surveys_completed), sum(d.geofence_verified), sum(d.geofence_inside), sum(d.photos),
    sum(d.share_own_bp), sum(d.share_all_bp)
  FROM d
  GROUP BY 1, 2, 3
  ORDER BY 1, 2, 3
  ON CONFLICT (tenant_id, day, bucket) DO UPDATE SET
    visits_planned = t.visits_planned + excluded.visits_planned,
    visits_completed = t.visits_completed + excluded.visits_completed,
    surveys_completed = t.surveys_completed + excluded.surveys_completed,
    geofence_verified = t.geofence_verified + excluded.geofence_verified,
    geofence_inside = t.geofence_inside + excluded.geofence_inside,
    photos = t.photos + excluded.photos,
    share_own_bp = t.share_own_bp + excluded.share_own_bp,
    share_all_bp = t.share_all_bp + excluded.share_all_bp
$$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION field_totals_on_visits() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    PERFORM field_totals_add(array_agg(field_visit_delta(1, n.tenant_id, n.agent_id, n.planned_date,
      n.status, n.survey_id, n.completion_within_geofence, n.check_in_within_geofence)))
    FROM inserted n;
  ELSIF TG_OP = 'DELETE' THEN
    PERFORM field_totals_add(array_agg(field_visit_delta(-1, o.tenant_id, o.agent_id, o.planned_date,
      o.status, o.survey_id, o.completion_within_geofence, o.check_in_within_geofence)))
    FROM deleted o;
  ELSE
    PERFORM field_totals_add(array_agg(d)) FROM (
      SELECT field_visit_delta(1, n.tenant_id, n.agent_id, n.planned_date, n.status, n.survey_id,
        n.completion_within_geofence, n.check_in_within_geofence) AS d
      FROM updated_new n
      UNION ALL
      SELECT field_visit_delta(-1, o.tenant_id, o.agent_id, o.planned_date, o.status, o.survey_id,
        o.completion_within_geofence, o.check_in_within_geofence)
      FROM updated_old o
    ) u;
  END IF;
  RETURN NULL;
END $$;
--> statement-breakpoint
-- A photo's shares are added by its shelf marks' own trigger (marks come after the photo).
CREATE OR REPLACE FUNCTION field_totals_on_photos_insert() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  PERFORM field_totals_add(array_agg(
    field_totals_delta(n.tenant_id, n.agent_id, field_photo_day(n.created_at), 0, 0, 0, 0, 0, 1, 0, 0)))
  FROM inserted n;
  RETURN NULL;
END $$;
--> statement-breakpoint
-- A photo moved to another agent or day, or given another grid: its count and its marks' shares
-- leave the old (agent, day) with the old grid and arrive at the new one with the new grid.
CREATE OR REPLACE FUNCTION field_totals_on_photos_update() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  PERFORM field_totals_add(array_agg(d)) FROM (
    WITH changed AS (
      SELECT o.tenant_id, o.id, s.sign,
        CASE WHEN s.sign = 1 THEN n.agent_id ELSE o.agent_id END AS agent_id,
        CASE WHEN s.sign = 1 THEN n.created_at ELSE o.created_at END AS created_at,
        CASE WHEN s.sign = 1 THEN n.grid_rows ELSE o.grid_rows END AS grid_rows,
        CASE WHEN s.sign = 1 THEN n.grid_cols ELSE o.grid_cols END AS grid_cols
      FROM updated_old o
      JOIN updated_new n ON n.tenant_id = o.tenant_id AND n.id = o.id
      CROSS JOIN (VALUES (1), (-1)) s(sign)
      WHERE (n.agent_id, n.created_at, n.grid_rows, n.grid_cols)
        IS DISTINCT FROM (o.agent_id, o.created_at, o.grid_rows, o.grid_cols)
    )
    SELECT field_totals_delta(c.tenant_id, c.agent_id, field_photo_day(c.created_at),
      0, 0, 0, 0, 0, c.sign, 0, 0) AS d
    FROM changed c
    UNION ALL
    SELECT field_totals_delta(c.tenant_id, c.agent_id, field_photo_day(c.created_at), 0, 0, 0, 0, 0, 0,
      CASE WHEN b.is_own THEN c.sign * field_quadrant_share(q.cells, q.area_percent, c.grid_rows, c.grid_cols)
        ELSE 0 END,
      c.sign * field_quadrant_share(q.cells, q.area_percent, c.grid_rows, c.grid_cols))
    FROM changed c
    JOIN shelf_quadrants q ON q.tenant_id = c.tenant_id AND q.photo_id = c.id
    JOIN brands b ON b.tenant_id = q.tenant_id AND b.id = q.brand_id
  ) u;
  RETURN NULL;
END $$;
--> statement-breakpoint
-- Before the row goes (and its marks with it, by cascade), while its marks can still be read: the
-- marks' own trigger then finds no photo and adds nothing.
CREATE OR REPLACE FUNCTION field_totals_on_photo_delete() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  PERFORM field_totals_add(array_agg(d)) FROM (
    SELECT field_totals_delta(OLD.tenant_id, OLD.agent_id, field_photo_day(OLD.created_at),
      0, 0, 0, 0, 0, -1, 0, 0) AS d
    UNION ALL
    SELECT field_totals_delta(OLD.tenant_id, OLD.agent_id, field_photo_day(OLD.created_at), 0, 0, 0, 0, 0, 0,
      CASE WHEN b.is_own THEN -field_quadrant_share(q.cells, q.area_percent, OLD.grid_rows, OLD.grid_cols)
        ELSE 0 END,
      -field_quadrant_share(q.cells, q.area_percent, OLD.grid_rows, OLD.grid_cols))
    FROM shelf_quadrants q
    JOIN brands b ON b.tenant_id = q.tenant_id AND b.id = q.brand_id
    WHERE q.tenant_id = OLD.tenant_id AND q.photo_id = OLD.id
  ) u;
  RETURN OLD;
END $$;
--> statement-breakpoint
-- What a set of shelf marks adds (p_sign = 1) or takes away (-1), on their photo's agent and day.
-- Marks whose photo is gone add nothing: the photo's delete trigger has already taken them away.
CREATE OR REPLACE FUNCTION field_marks_deltas(
  p_sign int, p_tenant uuid[], p_photo uuid[], p_brand uuid[], p_cells jsonb[], p_area double precision[]
) RETURNS field_daily_totals[]
LANGUAGE sql STABLE AS $$
  SELECT array_agg(field_totals_delta(p.tenant_id, p.agent_id, field_photo_day(p.created_at), 0, 0, 0, 0, 0, 0,
    CASE WHEN b.is_own THEN p_sign * field_quadrant_share(m.cells, m.area_percent, p.grid_rows, p.grid_cols)
      ELSE 0 END,
    p_sign * field_quadrant_share(m.cells, m.area_percent, p.grid_rows, p.grid_cols)))
  FROM unnest(p_tenant, p_photo, p_brand, p_cells, p_area) m(tenant_id, photo_id, brand_id, cells, area_percent)
  JOIN photos p ON p.tenant_id = m.tenant_id AND p.id = m.photo_id
  JOIN brands b ON b.tenant_id = m.tenant_id AND b.id = m.brand_id
$$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION field_totals_on_quadrants() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  added field_daily_totals[];
  removed field_daily_totals[];
BEGIN
  IF TG_OP = 'INSERT' THEN
    SELECT field_marks_deltas(1, array_agg(tenant_id), array_agg(photo_id), array_agg(brand_id),
      array_agg(cells), array_agg(area_percent)) INTO added FROM inserted;
  ELSIF TG_OP = 'DELETE' THEN
    SELECT field_marks_deltas(-1, array_agg(tenant_id), array_agg(photo_id), array_agg(brand_id),
      array_agg(cells), array_agg(area_percent)) INTO removed FROM deleted;
  ELSE
    SELECT field_marks_deltas(1, array_agg(tenant_id), array_agg(photo_id), array_agg(brand_id),
      array_agg(cells), array_agg(area_percent)) INTO added FROM updated_new;
    SELECT field_marks_deltas(-1, array_agg(tenant_id), array_agg(photo_id), array_agg(brand_id),
      array_agg(cells), array_agg(area_percent)) INTO removed FROM updated_old;
  END IF;
  PERFORM field_totals_add(coalesce(added, '{}') || coalesce(removed, '{}'));
  RETURN NULL;
END $$;
--> statement-breakpoint
-- A brand that becomes (or stops being) one of the tenant's own moves its shares between own and
-- competitor on every day it was marked.
CREATE OR REPLACE FUNCTION field_totals_on_brands() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  PERFORM field_totals_add(array_agg(d)) FROM (
    SELECT field_totals_delta(p.tenant_id, p.agent_id, field_photo_day(p.created_at), 0, 0, 0, 0, 0, 0,
      CASE WHEN n.is_own THEN 1 ELSE -1 END
        * field_quadrant_share(q.cells, q.area_percent, p.grid_rows, p.grid_cols),
      0) AS d
    FROM updated_new n
    JOIN updated_old o ON o.tenant_id = n.tenant_id AND o.id = n.id AND o.is_own IS DISTINCT FROM n.is_own
    JOIN shelf_quadrants q ON q.tenant_id = n.tenant_id AND q.brand_id = n.id
    JOIN photos p ON p.tenant_id = q.tenant_id AND p.id = q.photo_id
  ) u;
  RETURN NULL;
END $$;
--> statement-breakpoint
DROP TRIGGER IF EXISTS field_totals_visits_insert ON visits;--> statement-breakpoint
CREATE TRIGGER field_totals_visits_insert AFTER INSERT ON visits
  REFERENCING NEW TABLE AS inserted FOR EACH STATEMENT EXECUTE FUNCTION field_totals_on_visits();--> statement-breakpoint
DROP TRIGGER IF EXISTS field_totals_visits_update ON visits;--> statement-breakpoint
CREATE TRIGGER field_totals_visits_update AFTER UPDATE ON visits
  REFERENCING OLD TABLE AS updated_old NEW TABLE AS updated_new
  FOR EACH STATEMENT EXECUTE FUNCTION field_totals_on_visits();--> statement-breakpoint
DROP TRIGGER IF EXISTS field_totals_visits_delete ON visits;--> statement-breakpoint
CREATE TRIGGER field_totals_visits_delete AFTER DELETE ON visits
  REFERENCING OLD TABLE AS deleted FOR EACH STATEMENT EXECUTE FUNCTION field_totals_on_visits();--> statement-breakpoint
DROP TRIGGER IF EXISTS field_totals_photos_insert ON photos;--> statement-breakpoint
CREATE TRIGGER field_totals_photos_insert AFTER INSERT ON photos
  REFERENCING NEW TABLE AS inserted FOR EACH STATEMENT EXECUTE FUNCTION field_totals_on_photos_insert();--> statement-breakpoint
DROP TRIGGER IF EXISTS field_totals_photos_update ON photos;--> statement-breakpoint
CREATE TRIGGER field_totals_photos_update AFTER UPDATE ON photos
  REFERENCING OLD TABLE AS updated_old NEW TABLE AS updated_new
  FOR EACH STATEMENT EXECUTE FUNCTION field_totals_on_photos_update();--> statement-breakpoint
DROP TRIGGER IF EXISTS field_totals_photos_delete ON photos;--> statement-breakpoint
CREATE TRIGGER field_totals_photos_delete BEFORE DELETE ON photos
  FOR EACH ROW EXECUTE FUNCTION field_totals_on_photo_delete();--> statement-breakpoint
DROP TRIGGER IF EXISTS field_totals_quadrants_insert ON shelf_quadrants;--> statement-breakpoint
CREATE TRIGGER field_totals_quadrants_insert AFTER INSERT ON shelf_quadrants
  REFERENCING NEW TABLE AS inserted FOR EACH STATEMENT EXECUTE FUNCTION field_totals_on_quadrants();--> statement-breakpoint
DROP TRIGGER IF EXISTS field_totals_quadrants_update ON shelf_quadrants;--> statement-breakpoint
CREATE TRIGGER field_totals_quadrants_update AFTER UPDATE ON shelf_quadrants
  REFERENCING OLD TABLE AS updated_old NEW TABLE AS updated_new
  FOR EACH STATEMENT EXECUTE FUNCTION field_totals_on_quadrants();--> statement-breakpoint
DROP TRIGGER IF EXISTS field_totals_quadrants_delete ON shelf_quadrants;--> statement-breakpoint
CREATE TRIGGER field_totals_quadrants_delete AFTER DELETE ON shelf_quadrants
  REFERENCING OLD TABLE AS deleted FOR EACH STATEMENT EXECUTE FUNCTION field_totals_on_quadrants();--> statement-breakpoint
DROP TRIGGER IF EXISTS field_totals_brands_update ON brands;--> statement-breakpoint
CREATE TRIGGER field_totals_brands_update AFTER UPDATE ON brands
  REFERENCING OLD TABLE AS updated_old NEW TABLE AS updated_new
  FOR EACH STATEMENT EXECUTE FUNCTION field_totals_on_brands();--> statement-breakpoint
-- Existing data, once (the migration runs as the owner, across tenants).
INSERT INTO field_daily_totals (tenant_id, agent_id, day, visits_planned, visits_completed,
  surveys_completed, geofence_verified, geofence_inside, photos, share_own_bp, share_all_bp)
SELECT (d).tenant_id, (d).agent_id, (d).day, sum((d).visits_planned), sum((d).visits_completed),
  sum((d).surveys_completed), sum((d).geofence_verified), sum((d).geofence_inside), sum((d).photos),
  sum((d).share_own_bp), sum((d).share_all_bp)
FROM (
  SELECT field_visit_delta(1, v.tenant_id, v.agent_id, v.planned_date, v.status, v.survey_id,
    v.completion_within_geofence, v.check_in_within_geofence) AS d
  FROM visits v
  UNION ALL
  SELECT field_totals_delta(p.tenant_id, p.agent_id, field_photo_day(p.created_at), 0, 0, 0, 0, 0, 1, 0, 0)
  FROM photos p
  UNION ALL
  SELECT field_totals_delta(p.tenant_id, p.agent_id, field_photo_day(p.created_at), 0, 0, 0, 0, 0, 0,
    CASE WHEN b.is_own THEN field_quadrant_share(q.cells, q.area_percent, p.grid_rows, p.grid_cols) ELSE 0 END,
    field_quadrant_share(q.cells, q.area_percent, p.grid_rows, p.grid_cols))
  FROM shelf_quadrants q
  JOIN photos p ON p.tenant_id = q.tenant_id AND p.id = q.photo_id
  JOIN brands b ON b.tenant_id = q.tenant_id AND b.id = q.brand_id
) u
GROUP BY 1, 2, 3
ON CONFLICT (tenant_id, agent_id, day) DO NOTHING;
--> statement-breakpoint
INSERT INTO field_daily_tenant_totals (tenant_id, day, bucket, visits_planned, visits_completed,
  surveys_completed, geofence_verified, geofence_inside, photos, share_own_bp, share_all_bp)
SELECT tenant_id, day, field_totals_bucket(agent_id), sum(visits_planned), sum(visits_completed),
  sum(surveys_completed), sum(geofence_verified), sum(geofence_inside), sum(photos), sum(share_own_bp),
  sum(share_all_bp)
FROM field_daily_totals
GROUP BY 1, 2, 3
ON CONFLICT (tenant_id, day, bucket) DO NOTHING;
