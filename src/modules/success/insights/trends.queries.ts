import { sql } from 'drizzle-orm';
import { selectRows } from '../../../platform/db/rows.js';
import { validationFailed } from '../../../platform/http/errors.js';
import { snapshotTrend } from '../health/snapshots.js';
import type { CsatTrends, HealthTrends, Interval } from './dashboard.schemas.js';
import {
  addDays,
  localStart,
  rowsInScope,
  SURVEY_MEASURES,
  surveyFigures,
  type InsightContext,
  type SurveyCounts,
} from './insight-context.js';

/**
 * Health and CSAT over time, per tenant-calendar week (from Monday) or month. Each statement reads
 * the range once through the tables' time indexes and aggregates in SQL; empty periods are added
 * here, so every period of the range has a row.
 */

/** The longest health trend: two years of months, a year of weeks. */
export const MAX_PERIODS: Record<Interval, number> = { month: 24, week: 52 };

export interface Bucket {
  period: string;
  to: string;
}

/** The first day of the week (Monday) or month `day` falls in. */
export function bucketStart(day: string, interval: Interval): string {
  if (interval === 'month') return `${day.slice(0, 7)}-01`;
  const weekday = (new Date(`${day}T00:00:00Z`).getUTCDay() + 6) % 7; // Monday 0
  return addDays(day, -weekday);
}

function nextBucket(start: string, interval: Interval): string {
  if (interval === 'week') return addDays(start, 7);
  const [y, m] = start.split('-').map(Number) as [number, number];
  return m === 12 ? `${y + 1}-01-01` : `${y}-${String(m + 1).padStart(2, '0')}-01`;
}

/** Every bucket from the one holding `from` to the one holding `to`. */
export function bucketsBetween(from: string, to: string, interval: Interval): Bucket[] {
  const buckets: Bucket[] = [];
  for (let start = bucketStart(from, interval); start <= to; start = nextBucket(start, interval)) {
    buckets.push({ period: start, to: addDays(nextBucket(start, interval), -1) });
  }
  return buckets;
}

/** The last `count` buckets, the current one (holding today) included. */
export function lastBuckets(today: string, interval: Interval, count: number): Bucket[] {
  let first = bucketStart(today, interval);
  for (let i = 1; i < count; i++) first = bucketStart(addDays(first, -1), interval);
  return bucketsBetween(first, today, interval);
}

/** 422 at `/query/periods` beyond the interval's maximum. */
export function checkPeriods(interval: Interval, periods: number): void {
  if (periods > MAX_PERIODS[interval])
    throw validationFailed([
      { path: '/query/periods', message: `at most ${MAX_PERIODS[interval]} periods of a ${interval}` },
    ]);
}

/**
 * The tenant-local bucket start of `column`, as a date: rows are sorted and grouped by it (a date
 * compares far cheaper than text), and it is turned into text once per bucket.
 */
const bucketOf = (ctx: InsightContext, interval: Interval, column: string) =>
  sql`date_trunc(${sql.raw(`'${interval}'`)}, ${sql.raw(column)} at time zone ${ctx.timeZone})::date`;

export type TrendRow = HealthTrends['periods'][number];

/**
 * Per bucket of [from, to]: the book on the bucket's last health snapshot day (served, scored
 * customers in scope with their scores that day), every bucket present (empty ones with zeros).
 */
export async function healthTrend(
  ctx: InsightContext,
  interval: Interval,
  from: string,
  to: string,
): Promise<TrendRow[]> {
  const rows = await snapshotTrend(ctx.tx, ctx.tenantId, ctx.principal, { from, to }, interval);
  return bucketsBetween(from, to, interval).map((bucket) => {
    const row = rows.find((r) => r.period === bucket.period);
    return {
      ...bucket,
      customers: row?.customers ?? 0,
      average: row?.average ?? null,
      low: row?.low ?? 0,
      medium: row?.medium ?? 0,
      high: row?.high ?? 0,
      critical: row?.critical ?? 0,
    };
  });
}

export async function healthTrends(
  ctx: InsightContext,
  interval: Interval,
  periods: number,
): Promise<HealthTrends> {
  checkPeriods(interval, periods);
  const buckets = lastBuckets(ctx.today, interval, periods);
  return {
    as_of: ctx.today,
    time_zone: ctx.timeZone,
    interval,
    periods: await healthTrend(ctx, interval, buckets[0]!.period, ctx.today),
  };
}

export type CsatMonth = CsatTrends['months'][number];

/** Per month of [from, to] (up to now): every response, the CSAT average and the NPS. */
export async function csatByMonth(ctx: InsightContext, from: string, to: string): Promise<CsatMonth[]> {
  const rows = await selectRows<SurveyCounts & { period: string; responses: number }>(
    ctx.tx,
    sql`select to_char(${bucketOf(ctx, 'month', 'r.submitted_at')}, 'YYYY-MM-DD') as period,
        count(*)::int as responses,
        ${SURVEY_MEASURES}
      from csat_responses r
      where ${rowsInScope(ctx, 'r')}
        and r.submitted_at >= ${localStart(ctx, from)} and r.submitted_at < ${localStart(ctx, addDays(to, 1))}
        and r.submitted_at <= ${ctx.now.toISOString()}::timestamptz
      group by 1`,
  );
  const none: SurveyCounts = {
    csat_responses: 0,
    csat_sum: 0,
    nps_responses: 0,
    promoters: 0,
    passives: 0,
    detractors: 0,
  };
  return bucketsBetween(from, to, 'month').map((bucket) => {
    const row = rows.find((r) => r.period === bucket.period);
    return { ...bucket, responses: row?.responses ?? 0, ...surveyFigures(row ?? none) };
  });
}

export async function csatTrends(ctx: InsightContext, months: number): Promise<CsatTrends> {
  const buckets = lastBuckets(ctx.today, 'month', months);
  return {
    as_of: ctx.today,
    time_zone: ctx.timeZone,
    months: await csatByMonth(ctx, buckets[0]!.period, ctx.today),
  };
}
