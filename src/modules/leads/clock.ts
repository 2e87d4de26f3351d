import { localParts } from '../../lib/cron.js';

/** The calendar date of `at` in `timeZone`, YYYY-MM-DD (en-CA formats dates that way). */
export function localDate(at: Date, timeZone: string): string {
  return new Intl.DateTimeFormat('en-CA', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).format(at);
}

/** Milliseconds `timeZone` is ahead of UTC at `at` (negative west of Greenwich; zones move by whole minutes). */
function offsetMs(at: Date, timeZone: string): number {
  const p = localParts(at, timeZone);
  return Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute) - Math.floor(at.getTime() / 60_000) * 60_000;
}

/** The instant a tenant-local calendar day (YYYY-MM-DD) begins in `timeZone`. */
export function startOfLocalDay(day: string, timeZone: string): Date {
  const utcMidnight = Date.parse(`${day}T00:00:00Z`);
  const guess = utcMidnight - offsetMs(new Date(utcMidnight), timeZone);
  // Once more from the guess: the offset may differ across a DST change on that day.
  return new Date(utcMidnight - offsetMs(new Date(guess), timeZone));
}

/** The calendar day after `day` (YYYY-MM-DD). */
export const dayAfter = (day: string): string =>
  new Date(Date.parse(`${day}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
