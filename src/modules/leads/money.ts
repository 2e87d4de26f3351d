/**
 * Money arithmetic on decimal strings with at most two decimals, in integer cents (bigint), so no
 * float ever rounds an amount. Inputs are validated before they get here (schemas, numeric(18,2)).
 */
export function toCents(amount: string): bigint {
  const negative = amount.startsWith('-');
  const [whole = '0', fraction = ''] = amount.replace(/^[-+]/, '').split('.');
  const cents = BigInt(whole || '0') * 100n + BigInt((fraction + '00').slice(0, 2));
  return negative ? -cents : cents;
}

/** Cents as a decimal string with two decimals ("-12.50"). */
export function fromCents(cents: bigint): string {
  const negative = cents < 0n;
  const abs = negative ? -cents : cents;
  const fraction = String(abs % 100n).padStart(2, '0');
  return `${negative ? '-' : ''}${abs / 100n}.${fraction}`;
}

/** `a − b` of two decimal strings. */
export const moneyDiff = (a: string, b: string): string => fromCents(toCents(a) - toCents(b));

/** The canonical two-decimal form of an amount ("1200000.5" → "1200000.50"). */
export const money = (amount: string): string => fromCents(toCents(amount));
