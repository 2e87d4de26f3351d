import { validationFailed } from '../../../platform/http/errors.js';

/**
 * Periods of the commerce analytics: calendar days of the tenant's time zone (`YYYY-MM-DD`), both
 * ends included. Queries turn a day into the instant its local midnight falls on, so a shipment at
 * 23:30 local time counts on its local day whatever UTC says.
 */

const DAY_MS = 86_400_000;
/** The longest period a report covers: three years (day buckets are limited further). */
export const MAX_PERIOD_DAYS = 3 * 366;
export const MAX_DAILY_PERIOD_DAYS = 366;

export const DASHBOARD_PERIODS = ['day', 'week', 'month', 'quarter', 'year'] as const;
export type DashboardPeriod = (typeof DASHBOARD_PERIODS)[number];
export type Granularity = 'day' | 'week' | 'month';

export interface Period {
  from: string;
  to: string;
  /** Number of days, both ends included. */
  days: number;
}

const toMs = (day: string) => Date.parse(`${day}T00:00:00Z`);
export const addDays = (day: string, n: number): string =>
  new Date(toMs(day) + n * DAY_MS).toISOString().slice(0, 10);
export const daysBetween = (from: string, to: string): number =>
  Math.round((toMs(to) - toMs(from)) / DAY_MS) + 1;

/** Today in the zone. */
export const localToday = (now: Date, timeZone: string): string =>
  new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(
    now,
  );

/** The first day of the calendar day/week (ISO, Monday)/month/quarter/year holding `day`. */
export function periodStart(day: string, period: DashboardPeriod): string {
  const [y, m] = [Number(day.slice(0, 4)), Number(day.slice(5, 7))];
  switch (period) {
    case 'day':
      return day;
    case 'week':
      return addDays(day, -((new Date(toMs(day)).getUTCDay() + 6) % 7));
    case 'month':
      return `${day.slice(0, 7)}-01`;
    case 'quarter':
      return `${y}-${String(m - ((m - 1) % 3)).padStart(2, '0')}-01`;
    default:
      return `${y}-01-01`;
  }
}

/** The period of equal length that ends the day before `period` starts. */
export function previousPeriod(period: Period): Period {
  const to = addDays(period.from, -1);
  return { from: addDays(to, -(period.days - 1)), to, days: period.days };
}

/**
 * The dashboard's current period: the calendar `period` holding today, from its first day through
 * today (this month so far), or explicit `from`–`to`. Both or neither of `from`/`to`; not with
 * `period`.
 */
export function dashboardPeriod(
  query: { period?: DashboardPeriod | undefined; from?: string | undefined; to?: string | undefined },
  today: string,
): Period {
  if (query.from !== undefined || query.to !== undefined) {
    if (query.period !== undefined)
      throw validationFailed([{ path: '/query/period', message: 'give either period or from and to' }]);
    return explicitPeriod(query.from, query.to, MAX_PERIOD_DAYS);
  }
  const from = periodStart(today, query.period ?? 'month');
  return { from, to: today, days: daysBetween(from, today) };
}

/** `from`–`to` as given: both required, in order, at most `maxDays` long. */
export function explicitPeriod(from: string | undefined, to: string | undefined, maxDays: number): Period {
  if (from === undefined) throw validationFailed([{ path: '/query/from', message: 'is required with to' }]);
  if (to === undefined) throw validationFailed([{ path: '/query/to', message: 'is required with from' }]);
  if (from > to) throw validationFailed([{ path: '/query/from', message: 'must not be after to' }]);
  const days = daysBetween(from, to);
  if (days > maxDays)
    throw validationFailed([{ path: '/query/from', message: `the period may span at most ${maxDays} days` }]);
  return { from, to, days };
}

/**
 * A report's period: explicit `from`/`to`, either defaulting (to: today; from: `defaultDays` − 1
 * days before to), checked for order and length.
 */
export function reportPeriod(
  query: { from?: string | undefined; to?: string | undefined },
  today: string,
  defaultDays: number,
  maxDays = MAX_PERIOD_DAYS,
): Period {
  const to = query.to ?? today;
  const from = query.from ?? addDays(to, -(defaultDays - 1));
  return explicitPeriod(from, to, maxDays);
}
