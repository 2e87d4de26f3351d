/**
 * Exact decimal arithmetic for quantities (three decimals) and money (two): values travel as
 * decimal strings and are computed as whole units of their last decimal in BigInt, never floats.
 */

/** A decimal string ("-12.5", "1250.00") as whole units of 10^-scale; extra decimals are rounded half away from zero. */
export function toUnits(value: string | number, scale: number): bigint {
  const text = String(value).trim();
  const negative = text.startsWith('-');
  const [whole = '0', fraction = ''] = text.replace(/^[-+]/, '').split('.');
  const kept = (fraction + '0'.repeat(scale)).slice(0, scale);
  let units = BigInt(whole || '0') * 10n ** BigInt(scale) + BigInt(kept || '0');
  if (fraction.length > scale && Number(fraction[scale]) >= 5) units += 1n;
  return negative ? -units : units;
}

/** Whole units of 10^-scale as a decimal string with exactly `scale` decimals. */
export function fromUnits(units: bigint, scale: number): string {
  const negative = units < 0n;
  const abs = negative ? -units : units;
  const factor = 10n ** BigInt(scale);
  const whole = abs / factor;
  const fraction = scale ? `.${String(abs % factor).padStart(scale, '0')}` : '';
  return `${negative ? '-' : ''}${whole}${fraction}`;
}

/** numerator ÷ denominator rounded half away from zero (as PostgreSQL's round(numeric)). */
export function divRound(numerator: bigint, denominator: bigint): bigint {
  const negative = numerator < 0n !== denominator < 0n;
  const n = numerator < 0n ? -numerator : numerator;
  const d = denominator < 0n ? -denominator : denominator;
  const q = (n * 2n + d) / (2n * d);
  return negative ? -q : q;
}

/** Quantities: thousandths. */
export const QTY = 3;
/** Money: cents. */
export const MONEY = 2;

export const qty = (value: string | number): bigint => toUnits(value, QTY);
export const qtyText = (units: bigint): string => fromUnits(units, QTY);
export const money = (value: string | number): bigint => toUnits(value, MONEY);
export const moneyText = (units: bigint): string => fromUnits(units, MONEY);
