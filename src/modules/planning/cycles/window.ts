/**
 * The planning calendar, pure: months as `YYYY-MM`, stored as the first day of the month. A cycle's
 * window is 16 months (4 past, the anchor, 11 ahead); its submission deadline is the end date − 7
 * days at 23:59:59 in the tenant's time zone.
 */

export const WINDOW_PAST_MONTHS = 4;
export const WINDOW_FUTURE_MONTHS = 11;
export const DEADLINE_DAYS_BEFORE_END = 7;

const MONTH = /^(\d{4})-(0[1-9]|1[0-2])$/;

/** `YYYY-MM` → its first day `YYYY-MM-01`; undefined when the text is no such month. */
export function firstDayOf(month: string): string | undefined {
  return MONTH.test(month) ? `${month}-01` : undefined;
}

/** A stored month (`YYYY-MM-DD`, the first day) as `YYYY-MM`. */
export const monthOf = (day: string): string => day.slice(0, 7);

/** `month` (`YYYY-MM`) moved by `delta` months. */
export function addMonths(month: string, delta: number): string {
  const [year, mon] = month.split('-').map(Number) as [number, number];
  const index = year * 12 + (mon - 1) + delta;
  const y = Math.floor(index / 12);
  const m = index - y * 12 + 1;
  return `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}`;
}

/** The 16 months of the planning window around `anchor` (`YYYY-MM`), oldest first. */
export function planningWindow(anchor: string): string[] {
  const months: string[] = [];
  for (let delta = -WINDOW_PAST_MONTHS; delta <= WINDOW_FUTURE_MONTHS; delta++)
    months.push(addMonths(anchor, delta));
  return months;
}

/** The window's months from the anchor on (the anchor and the 11 after it: the ones forecast). */
export const futureMonths = (anchor: string): string[] => planningWindow(anchor).slice(WINDOW_PAST_MONTHS);

/** `day` (YYYY-MM-DD) moved by `days` calendar days. */
export function addDays(day: string, days: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}

/** Milliseconds `timeZone` is ahead of UTC at the instant `at`. */
function offsetMs(at: number, timeZone: string): number {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: 'numeric',
    second: 'numeric',
  }).formatToParts(new Date(at));
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value ?? 0);
  const local = Date.UTC(
    get('year'),
    get('month') - 1,
    get('day'),
    get('hour'),
    get('minute'),
    get('second'),
  );
  return local - Math.floor(at / 1000) * 1000;
}

/**
 * The instant a wall-clock time (`day` YYYY-MM-DD, `hh:mm:ss`) happens in `timeZone`. The offset is
 * looked up twice — at the naive guess and again at the result — so a day on which the zone
 * changes its offset (daylight saving) gets the offset in force at that time of day.
 */
export function localTimeToInstant(day: string, time: string, timeZone: string): Date {
  const naive = Date.parse(`${day}T${time}Z`);
  const guess = naive - offsetMs(naive, timeZone);
  return new Date(naive - offsetMs(guess, timeZone));
}

/** The submission deadline of a cycle ending on `endDate` (YYYY-MM-DD) in the tenant's zone. */
export function submissionDeadline(endDate: string, timeZone: string): Date {
  return localTimeToInstant(addDays(endDate, -DEADLINE_DAYS_BEFORE_END), '23:59:59', timeZone);
}

/** The tenant-local calendar date of an instant (YYYY-MM-DD). */
export function localDateOf(at: Date, timeZone: string): string {
  return new Intl.DateTimeFormat('en-CA', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).format(at);
}

/** Whole days from `from` to `to` (both YYYY-MM-DD); negative when `to` is earlier. */
export const daysBetween = (from: string, to: string): number =>
  Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);

/** Completion % = submitted ÷ total × 100 with one decimal; 0 when nothing is expected. */
export const completionPercent = (submitted: number, total: number): number =>
  total === 0 ? 0 : Math.round((submitted / total) * 1000) / 10;
