import type { ScheduleFrequency } from './reports.tables.js';

/** When a schedule runs: the calendar rule and the hour in the tenant's time zone. */
export interface ScheduleRule {
  frequency: ScheduleFrequency;
  /** ISO weekday, 1 = Monday … 7 = Sunday (weekly). */
  weekday?: number | null;
  /** Day of the month, 1–31; a shorter month runs on its last day (monthly, quarterly). */
  dayOfMonth?: number | null;
  hour: number;
}

interface LocalDay {
  year: number;
  month: number;
  day: number;
}

const DAY_MS = 86_400_000;

function localParts(date: Date, timeZone: string) {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-US', {
      timeZone,
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      hourCycle: 'h23',
    })
      .formatToParts(date)
      .map((p) => [p.type, Number(p.value)]),
  ) as Record<string, number>;
  return {
    year: parts.year!,
    month: parts.month!,
    day: parts.day!,
    hour: parts.hour!,
    minute: parts.minute!,
  };
}

/** The zone's offset from UTC at `date`, in milliseconds. */
function offsetAt(date: Date, timeZone: string): number {
  const p = localParts(date, timeZone);
  return (
    Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute) - Math.floor(date.getTime() / 60_000) * 60_000
  );
}

/**
 * The instant the wall clock in `timeZone` shows `hour`:00 on `day`. When the clock passes that
 * hour twice (autumn), the first; when it skips it (a spring-forward gap), undefined.
 */
export function zonedInstant(day: LocalDay, hour: number, timeZone: string): Date | undefined {
  const guess = Date.UTC(day.year, day.month - 1, day.day, hour);
  const candidates = [
    offsetAt(new Date(guess - DAY_MS), timeZone),
    offsetAt(new Date(guess + DAY_MS), timeZone),
  ]
    .map((offset) => new Date(guess - offset))
    .filter((instant) => {
      const p = localParts(instant, timeZone);
      return (
        p.year === day.year && p.month === day.month && p.day === day.day && p.hour === hour && p.minute === 0
      );
    })
    .sort((a, b) => a.getTime() - b.getTime());
  return candidates[0];
}

const daysInMonth = (year: number, month: number) => new Date(Date.UTC(year, month, 0)).getUTCDate();
const isoWeekday = (d: LocalDay) =>
  ((new Date(Date.UTC(d.year, d.month - 1, d.day)).getUTCDay() + 6) % 7) + 1;

function runsOn(rule: ScheduleRule, d: LocalDay): boolean {
  const monthDay = () => Math.min(rule.dayOfMonth ?? 1, daysInMonth(d.year, d.month));
  switch (rule.frequency) {
    case 'daily':
      return true;
    case 'weekly':
      return isoWeekday(d) === (rule.weekday ?? 1);
    case 'monthly':
      return d.day === monthDay();
    case 'quarterly':
      return (d.month - 1) % 3 === 0 && d.day === monthDay();
  }
}

/** The calendar days from the local day of `from` onwards (a quarterly rule needs at most ~3 months). */
function* daysFrom(from: Date, timeZone: string, count: number): Generator<LocalDay> {
  const start = localParts(from, timeZone);
  const base = Date.UTC(start.year, start.month - 1, start.day);
  for (let i = 0; i < count; i += 1) {
    const d = new Date(base + i * DAY_MS);
    yield { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() };
  }
}

/**
 * The first run strictly after `after`. The hour is wall-clock time in the tenant's zone, so a
 * daily 08:00 report stays at 08:00 across daylight-saving changes. On a day whose clock skips the
 * hour (the zone changed after the schedule was saved), it runs at the first instant after the gap.
 */
export function nextRunAfter(rule: ScheduleRule, timeZone: string, after: Date): Date {
  for (const day of daysFrom(new Date(after.getTime() - DAY_MS), timeZone, 400)) {
    if (!runsOn(rule, day)) continue;
    const instant = zonedInstant(day, rule.hour, timeZone) ?? afterGap(day, rule.hour, timeZone);
    if (instant.getTime() > after.getTime()) return instant;
  }
  throw new Error('no run within 400 days');
}

/** The instant a skipped local hour maps to: the same UTC time the hour before it plus one hour. */
function afterGap(day: LocalDay, hour: number, timeZone: string): Date {
  const guess = Date.UTC(day.year, day.month - 1, day.day, hour);
  return new Date(guess - offsetAt(new Date(guess - DAY_MS), timeZone));
}

/**
 * The first day within a year on which the schedule's hour does not exist in the zone (a
 * spring-forward gap), or undefined. Such a schedule is refused rather than silently moved.
 */
export function dayWithoutHour(rule: ScheduleRule, timeZone: string, from: Date): string | undefined {
  for (const day of daysFrom(from, timeZone, 366)) {
    if (runsOn(rule, day) && !zonedInstant(day, rule.hour, timeZone))
      return `${day.year}-${String(day.month).padStart(2, '0')}-${String(day.day).padStart(2, '0')}`;
  }
  return undefined;
}
