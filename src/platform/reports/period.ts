import { Type, type Static } from 'typebox';
import { validationFailed } from '../http/errors.js';
import { IsoDate } from '../http/schemas.js';

/**
 * A report's period: relative to the day the report runs (what a schedule wants: "last month",
 * every month) or explicit dates. Days are the tenant's calendar days, both ends included.
 */
export const ReportPeriodParameters = Type.Object({
  period: Type.Optional(
    Type.Union(
      [
        Type.Literal('last_7_days'),
        Type.Literal('last_30_days'),
        Type.Literal('month_to_date'),
        Type.Literal('previous_month'),
      ],
      { description: 'Relative to the day the report runs, in the tenant time zone (default last_30_days)' },
    ),
  ),
  from: Type.Optional(IsoDate),
  to: Type.Optional(IsoDate),
});
export type ReportPeriodParameters = Static<typeof ReportPeriodParameters>;

export interface ReportPeriod {
  from: string;
  to: string;
  /** Number of days, both ends included. */
  days: number;
}

const DAY_MS = 86_400_000;
const addDays = (day: string, n: number) =>
  new Date(Date.parse(`${day}T00:00:00Z`) + n * DAY_MS).toISOString().slice(0, 10);

/** Today's date in the zone. */
export const localToday = (now: Date, timeZone: string) =>
  new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(
    now,
  );

/**
 * The report's period: explicit `from`/`to` when given (a missing `from` is 30 days before `to`), else
 * the relative `period` ending today; 422 at the parameter when reversed or longer than `maxDays`.
 */
export function resolveReportPeriod(
  params: ReportPeriodParameters,
  now: Date,
  timeZone: string,
  maxDays: number,
): ReportPeriod {
  const today = localToday(now, timeZone);
  let from: string;
  let to: string;
  if (params.from || params.to) {
    to = params.to ?? today;
    from = params.from ?? addDays(to, -29);
  } else {
    switch (params.period ?? 'last_30_days') {
      case 'last_7_days':
        [from, to] = [addDays(today, -6), today];
        break;
      case 'month_to_date':
        [from, to] = [`${today.slice(0, 8)}01`, today];
        break;
      case 'previous_month': {
        to = addDays(`${today.slice(0, 8)}01`, -1);
        from = `${to.slice(0, 8)}01`;
        break;
      }
      default:
        [from, to] = [addDays(today, -29), today];
    }
  }
  const days = Math.round((Date.parse(to) - Date.parse(from)) / DAY_MS) + 1;
  if (days < 1) throw validationFailed([{ path: '/body/parameters/from', message: 'must not be after to' }]);
  if (days > maxDays)
    throw validationFailed([
      { path: '/body/parameters/from', message: `the period may span at most ${maxDays} days` },
    ]);
  return { from, to, days };
}

/**
 * The rules of explicit dates that hold whatever the day (a request's check, before it is queued):
 * `from` not after `to`, and at most `maxDays` days. Relative periods are always valid.
 */
export function checkReportPeriod(params: ReportPeriodParameters, maxDays: number): void {
  if (!params.from || !params.to) return;
  resolveReportPeriod(params, new Date(`${params.to}T12:00:00Z`), 'UTC', maxDays);
}

export const periodLabel = (period: { from: string; to: string }) => `${period.from} – ${period.to}`;
