-- field_totals_add, the one door of the daily totals' triggers, gets a path for the common write: one
-- visit inserted, or one visit updated (its old and new rows as deltas of one agent and day). Its
-- net delta is summed in PL/pgSQL; when it is zero (a check-in, a note) nothing runs; otherwise the
-- two rows are updated by key, and inserted only by the day's first write (with ON CONFLICT, for
-- two first writers at once). The grouped upserts cost about three times as much for one row: the
-- aggregation and both ModifyTable nodes are initialised on every call. The rows are locked in the
-- grouped path's order (the tenant's bucket row, then the agent's row: an unreferenced data-modifying
-- CTE runs after the main statement), so a single write and a bulk write cannot deadlock. Writes of
-- several keys, and empty ones, take the grouped path as before.
CREATE OR REPLACE FUNCTION field_totals_add(p_deltas field_daily_totals[]) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
  net field_daily_totals;
BEGIN
  IF p_deltas IS NULL OR cardinality(p_deltas) = 0 THEN
    RETURN;
  END IF;
  IF cardinality(p_deltas) = 1 OR (cardinality(p_deltas) = 2
      AND (p_deltas[1].tenant_id, p_deltas[1].agent_id, p_deltas[1].day)
        = (p_deltas[2].tenant_id, p_deltas[2].agent_id, p_deltas[2].day)) THEN
    net := p_deltas[1];
    IF cardinality(p_deltas) = 2 THEN
      net.visits_planned := net.visits_planned + p_deltas[2].visits_planned;
      net.visits_completed := net.visits_completed + p_deltas[2].visits_completed;
      net.surveys_completed := net.surveys_completed + p_deltas[2].surveys_completed;
      net.geofence_verified := net.geofence_verified + p_deltas[2].geofence_verified;
      net.geofence_inside := net.geofence_inside + p_deltas[2].geofence_inside;
      net.photos := net.photos + p_deltas[2].photos;
      net.share_own_bp := net.share_own_bp + p_deltas[2].share_own_bp;
      net.share_all_bp := net.share_all_bp + p_deltas[2].share_all_bp;
    END IF;
    IF net.visits_planned = 0 AND net.visits_completed = 0 AND net.surveys_completed = 0
        AND net.geofence_verified = 0 AND net.geofence_inside = 0 AND net.photos = 0
        AND net.share_own_bp = 0 AND net.share_all_bp = 0 THEN
      RETURN;
    END IF;
    UPDATE field_daily_tenant_totals AS t SET
      visits_planned = t.visits_planned + net.visits_planned,
      visits_completed = t.visits_completed + net.visits_completed,
      surveys_completed = t.surveys_completed + net.surveys_completed,
      geofence_verified = t.geofence_verified + net.geofence_verified,
      geofence_inside = t.geofence_inside + net.geofence_inside,
      photos = t.photos + net.photos,
      share_own_bp = t.share_own_bp + net.share_own_bp,
      share_all_bp = t.share_all_bp + net.share_all_bp
    WHERE t.tenant_id = net.tenant_id AND t.day = net.day AND t.bucket = field_totals_bucket(net.agent_id);
    IF NOT FOUND THEN
      INSERT INTO field_daily_tenant_totals AS t (tenant_id, day, bucket,
        visits_planned, visits_completed, surveys_completed, geofence_verified, geofence_inside, photos,
        share_own_bp, share_all_bp)
      VALUES (net.tenant_id, net.day, field_totals_bucket(net.agent_id),
        net.visits_planned, net.visits_completed, net.surveys_completed, net.geofence_verified, net.geofence_inside,
        net.photos, net.share_own_bp, net.share_all_bp)
      ON CONFLICT (tenant_id, day, bucket) DO UPDATE SET
        visits_planned = t.visits_planned + excluded.visits_planned,
        visits_completed = t.visits_completed + excluded.visits_completed,
        surveys_completed = t.surveys_completed + excluded.surveys_completed,
        geofence_verified = t.geofence_verified + excluded.geofence_verified,
        geofence_inside = t.geofence_inside + excluded.geofence_inside,
        photos = t.photos + excluded.photos,
        share_own_bp = t.share_own_bp + excluded.share_own_bp,
        share_all_bp = t.share_all_bp + excluded.share_all_bp;
    END IF;
    UPDATE field_daily_totals AS t SET
      visits_planned = t.visits_planned + net.visits_planned,
      visits_completed = t.visits_completed + net.visits_completed,
      surveys_completed = t.surveys_completed + net.surveys_completed,
      geofence_verified = t.geofence_verified + net.geofence_verified,
      geofence_inside = t.geofence_inside + net.geofence_inside,
      photos = t.photos + net.photos,
      share_own_bp = t.share_own_bp + net.share_own_bp,
      share_all_bp = t.share_all_bp + net.share_all_bp
    WHERE t.tenant_id = net.tenant_id AND t.agent_id = net.agent_id AND t.day = net.day;
    IF NOT FOUND THEN
      INSERT INTO field_daily_totals AS t (tenant_id, agent_id, day,
        visits_planned, visits_completed, surveys_completed, geofence_verified, geofence_inside, photos,
        share_own_bp, share_all_bp)
      VALUES (net.tenant_id, net.agent_id, net.day,
        net.visits_planned, net.visits_completed, net.surveys_completed, net.geofence_verified, net.geofence_inside,
        net.photos, net.share_own_bp, net.share_all_bp)
      ON CONFLICT (tenant_id, agent_id, day) DO UPDATE SET
        visits_planned = t.visits_planned + excluded.visits_planned,
        visits_completed = t.visits_completed + excluded.visits_completed,
        surveys_completed = t.surveys_completed + excluded.surveys_completed,
        geofence_verified = t.geofence_verified + excluded.geofence_verified,
        geofence_inside = t.geofence_inside + excluded.geofence_inside,
        photos = t.photos + excluded.photos,
        share_own_bp = t.share_own_bp + excluded.share_own_bp,
        share_all_bp = t.share_all_bp + excluded.share_all_bp;
    END IF;
    RETURN;
  END IF;
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
