/**
 * The pure formulas of the commerce analytics (README § Analytics): growth, margin, days of cover
 * and money arithmetic on decimal strings. No I/O, so the formula tests call them directly.
 */

/** Rounds to two decimals, the precision every percentage is answered with. */
export const round2 = (value: number): number => Math.round(value * 100) / 100;

/**
 * Growth % against the previous period (DESIGN §6): 0 when both are 0, 100 when only the previous
 * is 0, else (current − previous) ÷ |previous| × 100. Dividing by the magnitude keeps the sign
 * meaningful when the previous figure was negative (more returns than shipments): going from −100
 * to −50 is +50 %, not −50 %. For a positive previous figure it is the formula as written.
 */
export function growthPercent(current: number, previous: number): number {
  if (previous === 0) return current === 0 ? 0 : 100;
  return round2(((current - previous) / Math.abs(previous)) * 100);
}

/** Margin % = gross profit ÷ revenue × 100; 0 when revenue is 0. */
export function marginPercent(grossProfit: number, revenue: number): number {
  return revenue === 0 ? 0 : round2((grossProfit / revenue) * 100);
}

/**
 * Days of cover = available ÷ (units shipped in the window ÷ window days), to one decimal; null
 * (infinite) when nothing shipped in the window; 0 when nothing is available.
 */
export function daysOfCover(available: number, shippedInWindow: number, windowDays: number): number | null {
  if (available <= 0) return 0;
  if (shippedInWindow <= 0 || windowDays <= 0) return null;
  return Math.round((available / (shippedInWindow / windowDays)) * 10) / 10;
}

/** Stock classification of one stock row: out (available ≤ 0), low (0 < available ≤ min) or ok. */
export function stockStatus(available: number, minStock: number): 'out' | 'low' | 'ok' {
  if (available <= 0) return 'out';
  return available <= minStock ? 'low' : 'ok';
}

/** A decimal string ("-12.5", "1250.00") as whole cents, exactly. */
export function toCents(value: string | null | undefined): bigint {
  const text = (value ?? '0').trim();
  const negative = text.startsWith('-');
  const [whole = '0', fraction = ''] = text.replace(/^[-+]/, '').split('.');
  const cents = BigInt(whole || '0') * 100n + BigInt((fraction + '00').slice(0, 2));
  return negative ? -cents : cents;
}

/** Whole cents as a money string with two decimals. */
export function fromCents(cents: bigint): string {
  const negative = cents < 0n;
  const abs = negative ? -cents : cents;
  return `${negative ? '-' : ''}${abs / 100n}.${String(abs % 100n).padStart(2, '0')}`;
}

/** a − b on money strings, exactly. */
export const subtractMoney = (a: string, b: string): string => fromCents(toCents(a) - toCents(b));

/** a ÷ n on a money string, rounded half away from zero to cents; "0.00" when n is 0. */
export function divideMoney(a: string, n: number): string {
  if (n === 0) return '0.00';
  const cents = toCents(a);
  const d = BigInt(n);
  const q = cents / d;
  const r = cents % d;
  const twice = (r < 0n ? -r : r) * 2n;
  return fromCents(twice >= d ? q + (cents < 0n ? -1n : 1n) : q);
}

/** A quantity as a number (quantities have three decimals; a JSON number holds them exactly). */
export const num = (value: string | number | null | undefined): number => Number(value ?? 0);
