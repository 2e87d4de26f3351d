-- A visit's update reaches the daily totals through a row trigger that fires only when the update
-- changes something the totals count: the tenant, agent or planned date, whether the visit is
-- completed, or (for a completed visit) its survey or geofence verdicts. Most updates change none of
-- these (a check-in, a cancellation, a note, a geocoded address); the statement trigger it replaces
-- captured every updated row into transition tables and ran a query over them to find a zero delta,
-- at every update. The condition is evaluated without calling any function.
--
-- The function adds the row's two deltas (the old row taken away, the new one added) through
-- field_totals_add's single-key path. An update of many visits in one statement adds them row by
-- row, locking each (tenant bucket, agent) pair of rows in the order the visits are updated; two
-- such bulk updates over the same days at once may deadlock, and PostgreSQL then aborts one of
-- them (no count is lost). The application updates one visit per statement. Inserts and deletes
-- keep their statement triggers: a bulk load adds its deltas grouped, in key order.
CREATE OR REPLACE FUNCTION field_totals_on_visit_update() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  PERFORM field_totals_add(ARRAY[
    field_visit_delta(-1, OLD.tenant_id, OLD.agent_id, OLD.planned_date, OLD.status, OLD.survey_id,
      OLD.completion_within_geofence, OLD.check_in_within_geofence),
    field_visit_delta(1, NEW.tenant_id, NEW.agent_id, NEW.planned_date, NEW.status, NEW.survey_id,
      NEW.completion_within_geofence, NEW.check_in_within_geofence)]);
  RETURN NULL;
END $$;
--> statement-breakpoint
DROP TRIGGER IF EXISTS field_totals_visits_update ON visits;
--> statement-breakpoint
CREATE TRIGGER field_totals_visits_update AFTER UPDATE ON visits
  FOR EACH ROW
  WHEN (OLD.tenant_id IS DISTINCT FROM NEW.tenant_id
    OR OLD.agent_id IS DISTINCT FROM NEW.agent_id
    OR OLD.planned_date IS DISTINCT FROM NEW.planned_date
    OR (OLD.status = 'completed') IS DISTINCT FROM (NEW.status = 'completed')
    OR (NEW.status = 'completed' AND (
      (OLD.survey_id IS NULL) IS DISTINCT FROM (NEW.survey_id IS NULL)
      OR OLD.completion_within_geofence IS DISTINCT FROM NEW.completion_within_geofence
      OR OLD.check_in_within_geofence IS DISTINCT FROM NEW.check_in_within_geofence)))
  EXECUTE FUNCTION field_totals_on_visit_update();
--> statement-breakpoint
-- The statement trigger's function now serves inserts and deletes only.
CREATE OR REPLACE FUNCTION field_totals_on_visits() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    PERFORM field_totals_add(array_agg(field_visit_delta(1, n.tenant_id, n.agent_id, n.planned_date,
      n.status, n.survey_id, n.completion_within_geofence, n.check_in_within_geofence)))
    FROM inserted n;
  ELSE
    PERFORM field_totals_add(array_agg(field_visit_delta(-1, o.tenant_id, o.agent_id, o.planned_date,
      o.status, o.survey_id, o.completion_within_geofence, o.check_in_within_geofence)))
    FROM deleted o;
  END IF;
  RETURN NULL;
END $$;
