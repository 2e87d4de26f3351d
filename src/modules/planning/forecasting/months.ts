/**
 * Month keys (`YYYY-MM`) and dense monthly series. Pure calendar arithmetic on keys: no time
 * zones, no Date objects, so a key means the same month everywhere.
 */

const MONTH_KEY = /^(\d{4})-(0[1-9]|1[0-2])$/;

/** True when `value` is a `YYYY-MM` key (months 01–12). */
export function isMonthKey(value: string): boolean {
  return MONTH_KEY.test(value);
}

/** Months since year 0 of a key; throws RangeError for a malformed key. */
function ordinal(key: string): number {
  const match = MONTH_KEY.exec(key);
  if (!match) throw new RangeError(`not a YYYY-MM month key: ${JSON.stringify(key)}`);
  return Number(match[1]) * 12 + Number(match[2]) - 1;
}

function fromOrdinal(value: number): string {
  const year = Math.floor(value / 12);
  const month = value - year * 12 + 1;
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}`;
}

/** The key `count` months after `key` (negative counts go back): `addMonths('2025-12', 1)` is `2026-01`. */
export function addMonths(key: string, count: number): string {
  if (!Number.isInteger(count)) throw new RangeError(`month count must be an integer: ${count}`);
  return fromOrdinal(ordinal(key) + count);
}

/** Months from `from` to `to`: `monthsBetween('2025-11', '2026-02')` is 3; negative when `to` is earlier. */
export function monthsBetween(from: string, to: string): number {
  return ordinal(to) - ordinal(from);
}

/** Every key from `from` to `to`, both included, oldest first; empty when `to` is before `from`. */
export function monthRange(from: string, to: string): string[] {
  const start = ordinal(from);
  const end = ordinal(to);
  const keys: string[] = [];
  for (let value = start; value <= end; value++) keys.push(fromOrdinal(value));
  return keys;
}

/** One observation of a monthly series, e.g. a sales-history row's quantity. */
export interface MonthValue {
  month: string;
  value: number;
}

/**
 * The dense series from `from` to `to` (both included, oldest first): values of the same month are
 * added up, months without a row are 0 (no sale), rows outside the range are ignored. Throws a
 * RangeError for a malformed key or a non-finite value.
 */
export function denseSeries(rows: readonly MonthValue[], from: string, to: string): number[] {
  const start = ordinal(from);
  const length = Math.max(0, ordinal(to) - start + 1);
  const series = new Array<number>(length).fill(0);
  for (const row of rows) {
    if (!Number.isFinite(row.value))
      throw new RangeError(`value of ${row.month} is not finite: ${row.value}`);
    const index = ordinal(row.month) - start;
    if (index >= 0 && index < length) series[index] = (series[index] ?? 0) + row.value;
  }
  return series;
}

/** The earliest key among `rows`, or null when there are none. */
export function firstMonth(rows: readonly MonthValue[]): string | null {
  let best: number | null = null;
  for (const row of rows) {
    const value = ordinal(row.month);
    if (best === null || value < best) best = value;
  }
  return best === null ? null : fromOrdinal(best);
}
