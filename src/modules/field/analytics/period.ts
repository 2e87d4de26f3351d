import { validationFailed } from '../../../platform/http/errors.js';
import { dayAfter } from '../formulas.js';

/**
 * Pure period arithmetic and the comparison formulas of the field analytics. Days are UTC calendar
 * days (`YYYY-MM-DD`), both ends inclusive, matching how `planned_date` filters work on visits.
 */

const DAY_MS = 86_400_000;
/** Without `from`, a report covers the 30 days up to and including `to`. */
export const DEFAULT_PERIOD_DAYS = 30;
/** Daily series over more than three years would be thousands of points; callers pick week/month. */
export const MAX_PERIOD_DAYS = 3 * 366;

export type Interval = 'day' | 'week' | 'month';

export interface Period {
  from: string;
  to: string;
  /** Number of days, both ends included. */
  days: number;
}

const toDate = (day: string) => new Date(`${day}T00:00:00Z`);
export const dayOf = (date: Date): string => date.toISOString().slice(0, 10);
export const addDays = (day: string, n: number): string =>
  dayOf(new Date(toDate(day).getTime() + n * DAY_MS));

/** Start of the next day after `day`, as an instant: the exclusive upper bound for timestamps. */
export const endOf = (day: string): Date => dayAfter(day);
export const startOf = (day: string): Date => toDate(day);

/** The requested period, defaulting to the last 30 days up to today (UTC). */
export function resolvePeriod(query: { from?: string; to?: string }, today = dayOf(new Date())): Period {
  const to = query.to ?? (query.from && query.from > today ? query.from : today);
  const from = query.from ?? addDays(to, -(DEFAULT_PERIOD_DAYS - 1));
  if (from > to) throw validationFailed([{ path: '/query/from', message: 'must not be after to' }]);
  const days = Math.round((toDate(to).getTime() - toDate(from).getTime()) / DAY_MS) + 1;
  if (days > MAX_PERIOD_DAYS)
    throw validationFailed([
      { path: '/query/from', message: `the period may span at most ${MAX_PERIOD_DAYS} days` },
    ]);
  return { from, to, days };
}

/** The period of equal length that ends the day before `period` starts. */
export function previousPeriod(period: Period): Period {
  const to = addDays(period.from, -1);
  return { from: addDays(to, -(period.days - 1)), to, days: period.days };
}

/** Rounds to two decimals, the precision every percentage is reported with. */
export const round2 = (value: number): number => Math.round(value * 100) / 100;

/** part ÷ whole × 100, rounded to two decimals; 0 when there is no whole. */
export const percent = (part: number, whole: number): number =>
  whole > 0 ? round2((part / whole) * 100) : 0;

/**
 * Change against the previous period (DESIGN §6 growth %): 0 when both are 0, 100 when only the
 * previous is 0, else (current − previous) ÷ previous × 100, rounded to two decimals.
 */
export function changePercent(current: number, previous: number): number {
  if (previous === 0) return current === 0 ? 0 : 100;
  return round2(((current - previous) / Math.abs(previous)) * 100);
}

export interface Metric {
  value: number;
  previous: number;
  change_percent: number;
}

export const metric = (value: number, previous: number): Metric => ({
  value,
  previous,
  change_percent: changePercent(value, previous),
});

/** The first day of the bucket `day` falls in: ISO weeks start on Monday, as `date_trunc` does. */
export function bucketOf(day: string, interval: Interval): string {
  if (interval === 'day') return day;
  if (interval === 'month') return `${day.slice(0, 7)}-01`;
  const weekday = (toDate(day).getUTCDay() + 6) % 7;
  return addDays(day, -weekday);
}

/** Every bucket start from the one holding `from` to the one holding `to`, in order. */
export function bucketsBetween(period: Period, interval: Interval): string[] {
  const buckets: string[] = [];
  let bucket = bucketOf(period.from, interval);
  while (bucket <= period.to) {
    buckets.push(bucket);
    if (interval === 'day') bucket = addDays(bucket, 1);
    else if (interval === 'week') bucket = addDays(bucket, 7);
    else {
      const d = toDate(bucket);
      bucket = dayOf(new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1)));
    }
  }
  return buckets;
}
