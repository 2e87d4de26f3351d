import { validationFailed } from '../../../platform/http/errors.js';

/** Pure calendar-day arithmetic for the KPIs (days are `YYYY-MM-DD`, both ends inclusive). */

const DAY_MS = 86_400_000;
/** The longest range a KPI read or rebuild takes: more than a year of days in one request. */
export const MAX_KPI_RANGE_DAYS = 400;

const toTime = (day: string) => Date.parse(`${day}T00:00:00Z`);
export const addDays = (day: string, n: number): string =>
  new Date(toTime(day) + n * DAY_MS).toISOString().slice(0, 10);

/** Every day from `from` to `to`, both included. */
export function daysBetween(from: string, to: string): string[] {
  const days: string[] = [];
  for (let day = from; day <= to; day = addDays(day, 1)) days.push(day);
  return days;
}

/** 422 unless `from` ≤ `to` and the range spans at most 400 days; `where` is the query or the body. */
export function checkRange(range: { from: string; to: string }, where: '/query' | '/body'): void {
  if (range.from > range.to)
    throw validationFailed([{ path: `${where}/from`, message: 'must not be after to' }]);
  if ((toTime(range.to) - toTime(range.from)) / DAY_MS + 1 > MAX_KPI_RANGE_DAYS)
    throw validationFailed([
      { path: `${where}/to`, message: `the range may span at most ${MAX_KPI_RANGE_DAYS} days` },
    ]);
}

/** Consecutive slices of at most `size` items (a refresh writes one batch of days per transaction). */
export function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
