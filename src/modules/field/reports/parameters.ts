import { Type, type Static } from 'typebox';
import { validationFailed } from '../../../platform/http/errors.js';
import { IsoDate } from '../../../platform/http/schemas.js';
import { addDays, MAX_PERIOD_DAYS, type Period } from '../analytics/period.js';

/**
 * Parameters shared by the field reports: a period relative to the day the report runs (what a
 * schedule wants) or explicit dates, and optional agent / outlet filters.
 */
export const FieldReportParameters = Type.Object({
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
  agent_id: Type.Optional(Type.String({ format: 'uuid' })),
  outlet_id: Type.Optional(Type.String({ format: 'uuid' })),
});
export type FieldReportParameters = Static<typeof FieldReportParameters>;

/** Today's date in the zone. */
export const localToday = (now: Date, timeZone: string) =>
  new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(
    now,
  );

/** The report's period: explicit `from`/`to` when given, else the relative `period` ending today. */
export function reportPeriod(params: FieldReportParameters, now: Date, timeZone: string): Period {
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
  const days = Math.round((Date.parse(to) - Date.parse(from)) / 86_400_000) + 1;
  if (days < 1) throw validationFailed([{ path: '/body/parameters/from', message: 'must not be after to' }]);
  if (days > MAX_PERIOD_DAYS)
    throw validationFailed([
      { path: '/body/parameters/from', message: `the period may span at most ${MAX_PERIOD_DAYS} days` },
    ]);
  return { from, to, days };
}

export const periodLabel = (period: Period) => `${period.from} – ${period.to}`;
