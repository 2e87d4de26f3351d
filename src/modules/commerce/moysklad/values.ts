/**
 * MoySklad's value formats: datetimes are Moscow-time strings (UTC+3 all year, no DST), money is in
 * minor units (kopecks), ids are the last segment of `meta.href`. Pure functions, no I/O.
 */

const MSK_OFFSET_MS = 3 * 60 * 60 * 1000;
const MSK_PATTERN = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3}))?)?$/;

/** "2024-04-13 12:57:00.000" (Moscow) → 2024-04-13T09:57:00Z; null when it is not such a string. */
export function parseMoscowTime(value: unknown): Date | null {
  if (typeof value !== 'string') return null;
  const m = MSK_PATTERN.exec(value);
  if (!m) return null;
  const [year, month, day, hour, minute] = [m[1], m[2], m[3], m[4], m[5]].map(Number) as number[];
  const second = m[6] ? Number(m[6]) : 0;
  const ms = m[7] ? Number(m[7].padEnd(3, '0')) : 0;
  if (month! < 1 || month! > 12 || hour! > 23 || minute! > 59 || second > 59) return null;
  const utc = Date.UTC(year!, month! - 1, day!, hour!, minute!, second, ms);
  // Date.UTC rolls 31 February over into March: a round trip catches impossible days.
  if (new Date(utc).getUTCDate() !== day) return null;
  return new Date(utc - MSK_OFFSET_MS);
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/** A UTC instant as MoySklad writes it: "YYYY-MM-DD HH:mm:ss.SSS" in Moscow time. */
export function formatMoscowTime(date: Date): string {
  const d = new Date(date.getTime() + MSK_OFFSET_MS);
  return (
    `${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ` +
    `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}.${pad(d.getUTCMilliseconds(), 3)}`
  );
}

/**
 * A JSON number in plain decimal notation, exactly as its shortest representation reads
 * (1e-7 → "0.0000001", 1.5e21 → "1500000000000000000000"); null for non-finite or non-numbers.
 */
export function numberToDecimal(value: unknown): string | null {
  if (typeof value !== 'number' || !Number.isFinite(value)) return null;
  if (Number.isInteger(value)) return BigInt(value).toString();
  const text = String(value);
  const e = text.indexOf('e');
  if (e < 0) return text;
  const negative = text.startsWith('-');
  const mantissa = text.slice(negative ? 1 : 0, e);
  const exponent = Number(text.slice(e + 1));
  const [whole = '', fraction = ''] = mantissa.split('.');
  const digits = whole + fraction;
  const point = whole.length + exponent;
  let plain: string;
  if (point <= 0) plain = `0.${'0'.repeat(-point)}${digits}`;
  else if (point >= digits.length) plain = digits + '0'.repeat(point - digits.length);
  else plain = `${digits.slice(0, point)}.${digits.slice(point)}`;
  return (negative ? '-' : '') + trimDecimal(plain, 0);
}

/** Strips leading zeros of the whole part and trailing zeros of the fraction beyond `minFraction`. */
function trimDecimal(plain: string, minFraction: number): string {
  let [whole = '0', fraction = ''] = plain.split('.');
  whole = whole.replace(/^0+(?=\d)/, '');
  fraction = fraction.replace(/0+$/, '').padEnd(minFraction, '0');
  return fraction ? `${whole}.${fraction}` : whole;
}

/**
 * Kopecks → a decimal string of roubles with at least two decimals, by moving the decimal point
 * in the digits (never by dividing floats): 123050 → "1230.50", -5 → "-0.05", 0.5 → "0.005".
 */
export function minorToDecimal(value: unknown): string | null {
  const plain = numberToDecimal(value);
  if (plain === null) return null;
  const negative = plain.startsWith('-');
  const [whole = '', fraction = ''] = (negative ? plain.slice(1) : plain).split('.');
  const padded = whole.padStart(3, '0');
  const shifted = `${padded.slice(0, -2)}.${padded.slice(-2)}${fraction}`;
  const result = trimDecimal(shifted, 2);
  return negative && /[1-9]/.test(result) ? `-${result}` : result;
}

/** Roubles as a decimal string → kopecks (the reverse, for writes and the fake server). */
export function decimalToMinor(value: string): number {
  const m = /^(-)?(\d+)(?:\.(\d{1,2}))?$/.exec(value);
  if (!m) throw new Error(`not a money amount: ${value}`);
  const kopecks = Number(m[2]) * 100 + Number((m[3] ?? '').padEnd(2, '0'));
  return m[1] ? -kopecks : kopecks;
}

/**
 * The entity id a MoySklad href points at: its last path segment, without a query
 * (`…/entity/product/{id}?expand=supplier`) or a trailing slash; null when there is none.
 */
export function idFromHref(href: unknown): string | null {
  if (typeof href !== 'string') return null;
  const path = href.split(/[?#]/, 1)[0]!.replace(/\/+$/, '');
  const slash = path.lastIndexOf('/');
  const id = path.slice(slash + 1);
  return /^[A-Za-z0-9-]+$/.test(id) && slash >= 0 ? id : null;
}

/** The entity type a href points at (`…/entity/{type}/{id}`), for references whose meta lacks `type`. */
export function typeFromHref(href: string): string | null {
  const m = /\/entity\/([a-z]+)\/[^/?#]+(?:[?#].*)?$/.exec(href);
  return m ? m[1]! : null;
}
