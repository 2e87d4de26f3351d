import type { ColumnKind, ReportValue } from './types.js';

/** `YYYY-MM-DD HH:mm` of `date` in `timeZone`. */
export function localDateTime(date: Date, timeZone: string): string {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-GB', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    })
      .formatToParts(date)
      .map((p) => [p.type, p.value]),
  );
  return `${parts.year}-${parts.month}-${parts.day} ${parts.hour}:${parts.minute}`;
}

/** A value as text (PDF cells, CSV fields): numbers plainly, so a reader can add them up again. */
export function formatValue(kind: ColumnKind, value: ReportValue, timeZone: string): string {
  if (value === null || value === undefined) return '';
  if (value instanceof Date)
    return kind === 'date' ? value.toISOString().slice(0, 10) : localDateTime(value, timeZone);
  if (typeof value === 'boolean') return value ? 'yes' : 'no';
  if (typeof value === 'number') {
    if (kind === 'integer') return String(Math.round(value));
    if (kind === 'number' || kind === 'percent') return value.toFixed(2);
    return String(value);
  }
  return value;
}

/** Whether a column's text is right-aligned in PDF tables. */
export const isNumeric = (kind: ColumnKind) =>
  kind === 'integer' || kind === 'number' || kind === 'percent' || kind === 'money';
