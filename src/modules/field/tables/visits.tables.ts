import { sql } from 'drizzle-orm';
import {
  boolean,
  check,
  date,
  doublePrecision,
  foreignKey,
  index,
  jsonb,
  pgTable,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import { tenantColumns, tenantScoped, timestamps } from '../../../platform/db/tenant-table.js';
import { outlets } from '../../catalog/tables.js';
import { users } from '../../identity/tables.js';
import { surveyQuestions, surveys } from './surveys.tables.js';
import { appAccess, READ_WRITE } from '../../../platform/db/access.js';
import { GEOCODE_STATUSES, type Place } from '../../../platform/geocoding/types.js';

/** planned → in_progress → completed | cancelled | missed (missed is set by call-cycle planning). */
export const VISIT_STATUSES = ['planned', 'in_progress', 'completed', 'cancelled', 'missed'] as const;
export type VisitStatus = (typeof VISIT_STATUSES)[number];

export const VISIT_TYPES = ['planned', 'unplanned', 'follow_up'] as const;
export type VisitType = (typeof VISIT_TYPES)[number];

/** Visits of an agent to an outlet, with the GPS facts of check-in and completion. */
export const visits = pgTable(
  'visits',
  {
    ...tenantColumns(),
    agentId: uuid('agent_id').notNull(),
    outletId: uuid('outlet_id').notNull(),
    surveyId: uuid('survey_id'),
    // (tenant_id, call_cycle_id) → call_cycles is declared in migration 0021_tenant_reference_keys:
    // call_cycles' definition imports this table, so the key cannot be declared here.
    callCycleId: uuid('call_cycle_id'),
    clientUuid: uuid('client_uuid'),
    status: text('status', { enum: VISIT_STATUSES }).notNull().default('planned'),
    visitType: text('visit_type', { enum: VISIT_TYPES }).notNull().default('planned'),
    plannedDate: date('planned_date', { mode: 'string' }).notNull(),
    notes: text('notes'),
    checkInAt: timestamp('check_in_at', { withTimezone: true, mode: 'date' }),
    checkInLatitude: doublePrecision('check_in_latitude'),
    checkInLongitude: doublePrecision('check_in_longitude'),
    checkInAccuracyM: doublePrecision('check_in_accuracy_m'),
    checkInDistanceM: doublePrecision('check_in_distance_m'),
    checkInWithinGeofence: boolean('check_in_within_geofence'),
    completedAt: timestamp('completed_at', { withTimezone: true, mode: 'date' }),
    completionLatitude: doublePrecision('completion_latitude'),
    completionLongitude: doublePrecision('completion_longitude'),
    completionAccuracyM: doublePrecision('completion_accuracy_m'),
    completionDistanceM: doublePrecision('completion_distance_m'),
    completionWithinGeofence: boolean('completion_within_geofence'),
    cancelledAt: timestamp('cancelled_at', { withTimezone: true, mode: 'date' }),
    cancelReason: text('cancel_reason'),
    // The addresses at the check-in and completion fixes, reverse-geocoded by a job (visit-geocoding.ts).
    checkInAddress: jsonb('check_in_address').$type<Place>(),
    checkInGeocodeStatus: text('check_in_geocode_status', { enum: GEOCODE_STATUSES }),
    completionAddress: jsonb('completion_address').$type<Place>(),
    completionGeocodeStatus: text('completion_geocode_status', { enum: GEOCODE_STATUSES }),
    geocodeError: text('geocode_error'),
    ...timestamps(),
  },
  (t) => [
    ...tenantScoped(t),
    // No key of its own to tenants: the agent's key (users → tenants) implies the tenant, and a key
    // to tenants made every visit insert lock the tenant's row (KEY SHARE), one row shared by every
    // agent of the tenant writing at once.
    foreignKey({ columns: [t.tenantId, t.agentId], foreignColumns: [users.tenantId, users.id] }),
    foreignKey({ columns: [t.tenantId, t.outletId], foreignColumns: [outlets.tenantId, outlets.id] }),
    foreignKey({ columns: [t.tenantId, t.surveyId], foreignColumns: [surveys.tenantId, surveys.id] }),
    // A device's retry carries the same client_uuid; this key makes it land on the same row.
    uniqueIndex('visits_tenant_client_uuid_key').on(t.tenantId, t.clientUuid),
    index('visits_tenant_agent_date_idx').on(t.tenantId, t.agentId, t.plannedDate),
    index('visits_tenant_outlet_idx').on(t.tenantId, t.outletId),
    index('visits_tenant_survey_idx').on(t.tenantId, t.surveyId),
    index('visits_tenant_call_cycle_idx').on(t.tenantId, t.callCycleId),
    // Tenant-wide period reads (admin lists, analytics series) range over the date alone; a status
    // filter is applied to the rows of the period. No index names `status` (nor uses it in a
    // predicate), so a status change that touches no indexed column (check-in, cancel) is a
    // heap-only update on the room fillfactor 85 leaves: an index on (tenant, status, date) made
    // every one rewrite all the visit's index entries, to serve lists that the date index serves as well.
    index('visits_tenant_date_idx').on(t.tenantId, t.plannedDate),
    // Goal progress counts an agent's completed visits by completion time (`completed_at >= …`
    // implies the predicate, so the planner uses it; the status test is a filter on those rows).
    index('visits_tenant_agent_completed_idx')
      .on(t.tenantId, t.agentId, t.completedAt)
      .where(sql`${t.completedAt} is not null`),
    check(
      'visits_status_check',
      sql`${t.status} in ('planned', 'in_progress', 'completed', 'cancelled', 'missed')`,
    ),
    check('visits_type_check', sql`${t.visitType} in ('planned', 'unplanned', 'follow_up')`),
    check(
      'visits_check_in_geocode_status_check',
      sql`${t.checkInGeocodeStatus} in ('pending', 'ok', 'not_found', 'failed', 'off')`,
    ),
    check(
      'visits_completion_geocode_status_check',
      sql`${t.completionGeocodeStatus} in ('pending', 'ok', 'not_found', 'failed', 'off')`,
    ),
  ],
);
appAccess(visits, READ_WRITE);

/** One answer per question of a completed visit; `value` holds the JSON the question type allows. */
export const visitAnswers = pgTable(
  'visit_answers',
  {
    ...tenantColumns(),
    visitId: uuid('visit_id').notNull(),
    questionId: uuid('question_id').notNull(),
    value: jsonb('value').$type<unknown>().notNull(),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  },
  (t) => [
    ...tenantScoped(t),
    foreignKey({ columns: [t.tenantId, t.visitId], foreignColumns: [visits.tenantId, visits.id] }),
    foreignKey({
      columns: [t.tenantId, t.questionId],
      foreignColumns: [surveyQuestions.tenantId, surveyQuestions.id],
    }),
    uniqueIndex('visit_answers_tenant_visit_question_key').on(t.tenantId, t.visitId, t.questionId),
    index('visit_answers_tenant_question_idx').on(t.tenantId, t.questionId),
  ],
);
appAccess(visitAnswers, READ_WRITE);
