import { bigint, date, integer, pgTable, primaryKey, smallint, uuid } from 'drizzle-orm/pg-core';
import { appAccess, NO_DELETE } from '../../../platform/db/access.js';
import { tenantPolicy } from '../../../platform/db/tenant-table.js';

/**
 * Per agent and UTC day, the measures the analytics overview compares between periods, kept in
 * step with visits, photos, shelf marks and brands by statement triggers in the writing transaction
 * (migration `0019_field_daily_totals_triggers.sql`). The overview then reads a few rows per agent
 * and day instead of scanning every visit and photo of two periods.
 *
 * The triggers add and subtract deltas (`x = x + delta` under the row lock), never recompute from a
 * snapshot, so concurrent writers cannot lose each other's counts. Visits count on their planned
 * date, photos and shelf shares on the UTC day they were uploaded, as the raw reports do.
 * The application role may insert and update (the triggers run with the caller's rights); rows
 * are never deleted, a day whose rows went away just holds zeros.
 */
/** The measures both tables hold. */
const measures = () => ({
  visitsPlanned: integer('visits_planned').notNull().default(0),
  visitsCompleted: integer('visits_completed').notNull().default(0),
  surveysCompleted: integer('surveys_completed').notNull().default(0),
  geofenceVerified: integer('geofence_verified').notNull().default(0),
  geofenceInside: integer('geofence_inside').notNull().default(0),
  photos: integer('photos').notNull().default(0),
  /**
   * Σ of own brands' quadrant shares on the day's photos, in basis points (each share is a
   * percentage rounded to two decimals, so 42.86 % is 4286): integers sum exactly and fast.
   */
  shareOwnBp: bigint('share_own_bp', { mode: 'number' }).notNull().default(0),
  /** Σ of every brand's quadrant shares on the day's photos, in basis points. */
  shareAllBp: bigint('share_all_bp', { mode: 'number' }).notNull().default(0),
});

export const fieldDailyTotals = pgTable(
  'field_daily_totals',
  {
    tenantId: uuid('tenant_id').notNull(),
    agentId: uuid('agent_id').notNull(),
    day: date('day', { mode: 'string' }).notNull(),
    ...measures(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.agentId, t.day] }), tenantPolicy(t.tenantId)],
);
appAccess(fieldDailyTotals, NO_DELETE);

/** Buckets per tenant and day in `field_daily_tenant_totals`. */
export const TENANT_TOTAL_BUCKETS = 16;

/**
 * The same measures for the whole tenant per UTC day, for callers whose scope is the tenant: a
 * month against the previous one is then ~1,000 rows, not one per agent and day. Each day is split
 * over 16 buckets by a hash of the agent, so agents writing at the same time rarely wait for each
 * other's row lock (one row per tenant and day would serialise every visit write of the tenant).
 */
export const fieldDailyTenantTotals = pgTable(
  'field_daily_tenant_totals',
  {
    tenantId: uuid('tenant_id').notNull(),
    day: date('day', { mode: 'string' }).notNull(),
    bucket: smallint('bucket').notNull(),
    ...measures(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.day, t.bucket] }), tenantPolicy(t.tenantId)],
);
appAccess(fieldDailyTenantTotals, NO_DELETE);
