import { sql, type SQL } from 'drizzle-orm';
import { localDate } from '../../notify/index.js';
import { TREND_DAYS, WINDOW_DAYS } from './score.js';

/**
 * When a score is computed: the instant, the tenant's time zone and its local date. Every day count
 * of the score is in tenant-local days; the SQL below turns local days into instants.
 */
export interface ScoreClock {
  now: Date;
  timeZone: string;
  today: string;
}

export const clockOf = (now: Date, timeZone: string): ScoreClock => ({
  now,
  timeZone,
  today: localDate(now, timeZone),
});

/** The instant tenant-local day `today − days` began. */
export const localDayStartSql = (clock: ScoreClock, daysBack: number): SQL =>
  sql`((${clock.today}::date - ${sql.raw(String(daysBack))})::timestamp at time zone ${clock.timeZone})`;

/** The instant `clock.now` as a timestamptz parameter. */
export const nowSql = (clock: ScoreClock): SQL => sql`${clock.now.toISOString()}::timestamptz`;

/** Interactions count when they happened in the window: the last 90 local days, today included, up to now. */
export const inWindowSql = (column: SQL, clock: ScoreClock): SQL =>
  sql`${column} >= ${localDayStartSql(clock, WINDOW_DAYS - 1)} and ${column} <= ${nowSql(clock)}`;

/** A score is old enough for the trend when its local date is at least 30 days before today. */
export const trendCutSql = (clock: ScoreClock): SQL => localDayStartSql(clock, TREND_DAYS - 1);

/**
 * The customers the daily job, calculate-all and the success checks work on: current accounts
 * (not archived, customers rather than suppliers only, not churned).
 */
export const currentAccountSql = (alias: string): SQL =>
  sql.raw(`${alias}.archived_at is null and ${alias}.is_customer and ${alias}.status <> 'churned'`);

/** Counts of the score's interaction kinds over rows aliased `i` (support, sentiment, engagement). */
export const interactionCountsSql = sql.raw(`
  count(*) filter (where i.interaction_type = 'support_ticket')::int as support_tickets,
  count(*) filter (where i.interaction_type = 'escalation')::int as escalations,
  count(*) filter (where i.sentiment = 'negative')::int as negative,
  count(*) filter (where i.interaction_type = 'meeting')::int as meetings,
  count(*) filter (where i.interaction_type = 'call')::int as calls,
  count(*) filter (where i.interaction_type = 'email')::int as emails,
  count(*) filter (where i.interaction_type = 'training')::int as trainings`);
