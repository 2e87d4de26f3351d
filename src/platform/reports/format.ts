import type { ColumnKind, ReportValue } from './types.js';

/** Zone offsets are constant within a quarter hour (every real transition falls on one). */
const BUCKET_MS = 15 * 60_000;
const MAX_CACHED_OFFSETS = 50_000;
const offsetCaches = new Map<string, { format: Intl.DateTimeFormat; offsets: Map<number, number> }>();

function zoneCache(timeZone: string) {
  let cache = offsetCaches.get(timeZone);
  if (!cache) {
    cache = {
      format: new Intl.DateTimeFormat('en-GB', {
        timeZone,
        year: 'numeric',
        month: '2-digit',
        day: '2-digit',
        hour: '2-digit',
        minute: '2-digit',
        second: '2-digit',
        hourCycle: 'h23',
      }),
      offsets: new Map(),
    };
    offsetCaches.set(timeZone, cache);
  }
  return cache;
}

/**
 * The zone's offset from UTC (ms) at `ms`. Intl formatting costs microseconds a call and a 100,000-row
 * report formats hundreds of thousands of times; the offset is computed once per quarter hour and zone.
 */
function offsetAt(ms: number, timeZone: string): number {
  const cache = zoneCache(timeZone);
  const bucket = Math.floor(ms / BUCKET_MS);
  let offset = cache.offsets.get(bucket);
  if (offset === undefined) {
    const start = bucket * BUCKET_MS;
    const p = Object.fromEntries(cache.format.formatToParts(new Date(start)).map((x) => [x.type, x.value]));
    offset =
      Date.UTC(
        Number(p.year),
        Number(p.month) - 1,
        Number(p.day),
        Number(p.hour),
        Number(p.minute),
        Number(p.second),
      ) - start;
    if (cache.offsets.size >= MAX_CACHED_OFFSETS) cache.offsets.clear();
    cache.offsets.set(bucket, offset);
  }
  return offset;
}

const pad = (n: number) => (n < 10 ? `0${n}` : String(n));

/** `YYYY-MM-DD HH:mm` of `date` in `timeZone`. */
export function localDateTime(date: Date, timeZone: string): string {
  const ms = date.getTime();
  const local = new Date(ms + offsetAt(ms, timeZone));
  return `${local.getUTCFullYear()}-${pad(local.getUTCMonth() + 1)}-${pad(local.getUTCDate())} ${pad(local.getUTCHours())}:${pad(local.getUTCMinutes())}`;
}

/** A value as text (PDF cells, CSV fields): numbers plainly, so a reader can add them up again. */
export function formatValue(kind: ColumnKind, value: ReportValue, timeZone: string): string {
  if (value === null || value === undefined) return '';
  if (value instanceof Date)
    return kind === 'date' ? value.toISOString().slice(0, 10) : localDateTime(value, timeZone);
  // Raw statements return timestamps as PostgreSQL's text (`2026-11-02 03:38:05.123+00`).
  if (kind === 'datetime' && typeof value === 'string') {
    const date = new Date(value);
    if (!Number.isNaN(date.getTime())) return localDateTime(date, timeZone);
  }
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
