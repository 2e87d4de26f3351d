/**
 * Money in integer minor units (cents) as bigint, so sums of a million sales never lose a cent;
 * decimal strings at the edges (database, API, files).
 */

const DECIMAL = /^(-)?(\d+)(?:\.(\d{1,4}))?$/;

/** Parses a decimal string scaled by 10^scale; more decimals than `scale` are refused. */
function parseScaled(value: string, scale: number): bigint {
  const match = DECIMAL.exec(value.trim());
  if (!match || (match[3] ?? '').length > scale)
    throw new Error(`Not a decimal with ≤ ${scale} places: ${value}`);
  const fraction = (match[3] ?? '').padEnd(scale, '0');
  const magnitude = BigInt(match[2]!) * 10n ** BigInt(scale) + BigInt(fraction || '0');
  return match[1] ? -magnitude : magnitude;
}

/** "1200000.50" → 120000050n. Trailing zeros beyond cents (numeric(18,4) prints them) are accepted. */
export const toMinor = (value: string): bigint => parseScaled(value.replace(/(\.\d\d)0+$/, '$1'), 2);

/** A percent with up to 4 decimals, scaled by 10^4: "2.5" → 25000n. */
export const toPercentScaled = (value: string): bigint => parseScaled(value, 4);

// Amounts below 2^53 cents (90 trillion) are formatted as doubles, which hold them exactly and are
// much cheaper than bigint division (a run formats millions of amounts); larger ones take bigints.
const SAFE = BigInt(Number.MAX_SAFE_INTEGER);

/** 120000050n → "1200000.50". */
export function fromMinor(minor: bigint): string {
  if (minor >= 0n && minor <= SAFE) {
    const n = Number(minor);
    const cents = n % 100;
    return `${(n - cents) / 100}.${cents < 10 ? '0' : ''}${cents}`;
  }
  const sign = minor < 0n ? '-' : '';
  const abs = minor < 0n ? -minor : minor;
  return `${sign}${abs / 100n}.${(abs % 100n).toString().padStart(2, '0')}`;
}

/** "1234567" → "1,234,567". */
function groupThousands(digits: string): string {
  if (digits.length <= 3) return digits;
  let head = digits.length % 3 || 3;
  let out = digits.slice(0, head);
  for (; head < digits.length; head += 3) out += `,${digits.slice(head, head + 3)}`;
  return out;
}

/** 120000050n → "1,200,000.50": how explanations and statements show amounts. */
export function displayMinor(minor: bigint): string {
  if (minor >= 0n && minor <= SAFE) {
    const n = Number(minor);
    const cents = n % 100;
    return `${groupThousands(String((n - cents) / 100))}.${cents < 10 ? '0' : ''}${cents}`;
  }
  const [whole, cents] = fromMinor(minor).split('.');
  return `${whole!.replace(/\B(?=(\d{3})+(?!\d))/g, ',')}.${cents}`;
}

/** "2.5000" → "2.5": a percent as people write it. */
export const displayPercent = (value: string): string =>
  value.includes('.') ? value.replace(/0+$/, '').replace(/\.$/, '') : value;

/**
 * `percent` % of `baseMinor`, rounded half up to the cent: base × p / 100, with p scaled by 10^4.
 * Bases are never negative (sales are ≥ 0), so half up is (n + d/2) div d.
 */
export function percentOf(baseMinor: bigint, percentScaled: bigint): bigint {
  const divisor = 1_000_000n;
  return (baseMinor * percentScaled + divisor / 2n) / divisor;
}

export const minBig = (a: bigint, b: bigint): bigint => (a < b ? a : b);
