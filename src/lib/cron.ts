/**
 * Five-field cron expressions (minute hour day-of-month month day-of-week), as pg-boss runs them:
 * `*`, lists, ranges and steps; day-of-week 0–7 (0 and 7 are Sunday). Used to show when a schedule
 * fires next; pg-boss itself decides when it fires.
 */
export interface CronFields {
  minutes: Set<number>;
  hours: Set<number>;
  days: Set<number>;
  months: Set<number>;
  weekdays: Set<number>;
  /** Day-of-month and day-of-week both restricted: either may match (classic cron). */
  eitherDay: boolean;
}

const RANGES: readonly [number, number][] = [
  [0, 59],
  [0, 23],
  [1, 31],
  [1, 12],
  [0, 7],
];

function parseField(text: string, [min, max]: [number, number]): Set<number> | null {
  const values = new Set<number>();
  for (const part of text.split(',')) {
    const match = /^(\*|(\d+)(?:-(\d+))?)(?:\/(\d+))?$/.exec(part);
    if (!match) return null;
    const step = match[4] ? Number(match[4]) : 1;
    const from = match[1] === '*' ? min : Number(match[2]);
    const to = match[1] === '*' ? max : match[3] ? Number(match[3]) : match[4] ? max : from;
    if (step < 1 || from < min || to > max || from > to) return null;
    for (let v = from; v <= to; v += step) values.add(v);
  }
  return values;
}

/** The expression's fields, or null when it is not a valid five-field expression. */
export function parseCron(expression: string): CronFields | null {
  const parts = expression.trim().split(/\s+/);
  if (parts.length !== 5) return null;
  const fields = parts.map((part, i) => parseField(part, RANGES[i]!));
  if (fields.some((f) => f === null)) return null;
  const [minutes, hours, days, months, weekdays] = fields as Set<number>[];
  if (weekdays!.has(7)) weekdays!.add(0);
  return {
    minutes: minutes!,
    hours: hours!,
    days: days!,
    months: months!,
    weekdays: weekdays!,
    eitherDay: parts[2] !== '*' && parts[4] !== '*',
  };
}

const WEEKDAYS: Record<string, number> = { Sun: 0, Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6 };

/** The wall-clock fields of an instant in a time zone. */
export function localParts(at: Date, timeZone: string) {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: 'numeric',
    weekday: 'short',
  }).formatToParts(at);
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  return {
    year: Number(get('year')),
    month: Number(get('month')),
    day: Number(get('day')),
    hour: Number(get('hour')),
    minute: Number(get('minute')),
    weekday: WEEKDAYS[get('weekday')] ?? 0,
  };
}

const MINUTE = 60_000;

/**
 * The first minute after `after` at which the expression fires in `timeZone`, searching a year
 * ahead; null when it never does (e.g. 30 February). Skips whole hours and days that cannot match.
 */
export function nextCronTime(expression: string, timeZone: string, after: Date): Date | null {
  const cron = parseCron(expression);
  if (!cron) return null;
  let at = new Date(Math.floor(after.getTime() / MINUTE) * MINUTE + MINUTE);
  const end = after.getTime() + 366 * 24 * 60 * MINUTE;
  while (at.getTime() <= end) {
    const p = localParts(at, timeZone);
    const dayOfMonth = cron.days.has(p.day);
    const dayOfWeek = cron.weekdays.has(p.weekday);
    const dayMatches = cron.eitherDay ? dayOfMonth || dayOfWeek : dayOfMonth && dayOfWeek;
    if (!cron.months.has(p.month) || !dayMatches) {
      at = new Date(at.getTime() + ((23 - p.hour) * 60 + (60 - p.minute)) * MINUTE);
    } else if (!cron.hours.has(p.hour)) {
      at = new Date(at.getTime() + (60 - p.minute) * MINUTE);
    } else if (!cron.minutes.has(p.minute)) {
      at = new Date(at.getTime() + MINUTE);
    } else {
      return at;
    }
  }
  return null;
}

/** Whether a string names a time zone this runtime knows (IANA). */
export function isTimeZone(value: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: value });
    return true;
  } catch {
    return false;
  }
}
