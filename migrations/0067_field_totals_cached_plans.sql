-- field_totals_add was a SQL-language function. PostgreSQL plans such a function's body again on
-- every call (its plans are not kept between calls), and this body is two upserts in a CTE: on the
-- visit write path the planning alone took about half of the database's CPU per request. As
-- PL/pgSQL the statement is planned once per connection and its plan reused. The body is unchanged.
CREATE OR REPLACE FUNCTION field_totals_add(p_deltas field_daily_totals[]) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
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
    share_all_bp = t.share_all_bp + excluded.share_all_bp;
END
$$;
