import type { VisitStatus } from './tables/visits.tables.js';

/**
 * Wall-clock times of the demo data in the tenant's time zone. The demo describes a working day
 * as people in the tenant live it (visits from 09:00 local time), and every moment it stores must
 * lie before the moment of seeding, whichever hour of the local day that is.
 */

const MINUTE = 60_000;

/** One formatter per zone: building one costs far more than using it. */
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string) {
  const known = formatters.get(timeZone);
  if (known) return known;
  const formatter = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  });
  formatters.set(timeZone, formatter);
  return formatter;
}

/** A zone the runtime knows, else UTC (settings are checked on write; old rows may predate that). */
export function knownTimeZone(zone: string | null | undefined): string {
  if (!zone) return 'UTC';
  try {
    formatterFor(zone);
    return zone;
  } catch {
    return 'UTC';
  }
}

/** The zone's local wall-clock time at `instant`, read as if it were UTC. */
function wallClock(instant: number, timeZone: string): number {
  const parts = Object.fromEntries(
    formatterFor(timeZone)
      .formatToParts(new Date(instant))
      .map((p) => [p.type, p.value]),
  );
  return Date.UTC(
    Number(parts.year),
    Number(parts.month) - 1,
    Number(parts.day),
    Number(parts.hour),
    Number(parts.minute),
    Number(parts.second),
  );
}

/** The local calendar day (`YYYY-MM-DD`) at `instant`. */
export function localDay(instant: Date, timeZone: string): string {
  return new Date(wallClock(instant.getTime(), timeZone)).toISOString().slice(0, 10);
}

/**
 * The instant at which the local clock reads `minutes` after midnight of `day`. Offsets are read
 * twice so a day on which daylight saving time changes lands on the offset in force at that hour.
 */
export function localTime(day: string, minutes: number, timeZone: string): Date {
  const wall = Date.parse(`${day}T00:00:00Z`) + minutes * MINUTE;
  const first = wall - (wallClock(wall, timeZone) - wall);
  const second = wall - (wallClock(first, timeZone) - first);
  return new Date(second);
}

/** The demo's clock: the moment of seeding and local days and times around it. */
export interface DemoClock {
  now: Date;
  timeZone: string;
  /** Today's local date as midnight UTC: day arithmetic and weekdays (getUTCDay) without zones. */
  today: Date;
  /** The instant of `minutes` after local midnight on the day `date` (a day as `today` holds it). */
  at(date: Date, minutes: number): Date;
}

export function demoClock(now: Date, timeZone: string): DemoClock {
  const zone = knownTimeZone(timeZone);
  return {
    now,
    timeZone: zone,
    today: new Date(`${localDay(now, zone)}T00:00:00Z`),
    at: (date, minutes) => localTime(date.toISOString().slice(0, 10), minutes, zone),
  };
}

/** The earlier of two instants. */
export const earliest = (a: Date, b: Date) => (a.getTime() <= b.getTime() ? a : b);

const DAY = 86_400_000;
/** The longest demo visit, check-in to completion (15–44 minutes, drawn below). */
const LONGEST_VISIT_MINUTES = 45;

/**
 * Where one of today's visits with a check-in happens: at its usual hour when it is over by now;
 * else as late as it can still end before now (completed visits end two minutes before, the visit
 * in progress checked in one minute before); and when local midnight is nearer than that, on
 * yesterday evening, after the day's usual visits.
 */
export function placeTodaysVisit(clock: DemoClock, usualStart: Date, status: VisitStatus, slot: number) {
  const span = status === 'completed' ? LONGEST_VISIT_MINUTES : 0;
  const latestStart = clock.now.getTime() - ((status === 'completed' ? 2 : 1) + span) * MINUTE;
  if (usualStart.getTime() <= latestStart) return { date: clock.today, start: usualStart };
  if (latestStart >= clock.at(clock.today, 0).getTime())
    return { date: clock.today, start: new Date(latestStart) };
  const yesterday = new Date(clock.today.getTime() - DAY);
  const minutes = (18 + slot) * 60 + (usualStart.getUTCMinutes() % 40);
  return { date: yesterday, start: clock.at(yesterday, minutes) };
}
