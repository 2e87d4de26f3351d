/**
 * ABC (revenue share) and XYZ (demand variability) classes of products (README § Analytics). Pure.
 */

export interface AbcThresholds {
  /** Cumulative revenue share (percent) the A products make up. */
  a: number;
  /** … the A and B products together; the rest is C. */
  b: number;
}

export interface XyzThresholds {
  /** Coefficient of variation (percent) up to which a product is X. */
  x: number;
  /** … up to which it is Y; above (or no demand), Z. */
  y: number;
}

export interface AbcRow {
  share: number;
  cumulativeShare: number;
  abc: 'A' | 'B' | 'C';
}

/**
 * Revenues in descending order (the caller sorts, ties broken by a stable key) → each product's
 * share of the positive revenue and the cumulative share including it, in percent, and its class by
 * the cumulative share of the products before it: A while that is below a, B while below b, C
 * beyond. So the product that reaches a is still A (a single product holding 90 % is A, not B),
 * and a cumulative share of exactly a after a product makes the next one B. A product with
 * revenue ≤ 0 (returns outweigh sales) holds no share and is C.
 */
export function abcClasses(revenuesDesc: readonly number[], t: AbcThresholds): AbcRow[] {
  const total = revenuesDesc.reduce((s, v) => (v > 0 ? s + v : s), 0);
  let cumulative = 0;
  return revenuesDesc.map((revenue) => {
    if (revenue <= 0 || total <= 0) return { share: 0, cumulativeShare: total > 0 ? 100 : 0, abc: 'C' };
    const before = (cumulative / total) * 100;
    cumulative += revenue;
    const share = (revenue / total) * 100;
    const cumulativeShare = (cumulative / total) * 100;
    // A tolerance of a billionth of a percent keeps 79.999999999999 (float noise for 80) out of A.
    const abc = before < t.a - 1e-9 ? 'A' : before < t.b - 1e-9 ? 'B' : 'C';
    return { share, cumulativeShare, abc };
  });
}

/**
 * Coefficient of variation of a series of per-period quantities, in percent: population standard
 * deviation ÷ mean × 100. Periods without sales are zeros in the series. Null when the mean is not
 * positive (no net demand: the ratio means nothing).
 */
export function coefficientOfVariation(series: readonly number[]): number | null {
  if (!series.length) return null;
  const mean = series.reduce((s, v) => s + v, 0) / series.length;
  if (mean <= 0) return null;
  const variance = series.reduce((s, v) => s + (v - mean) ** 2, 0) / series.length;
  return (Math.sqrt(variance) / mean) * 100;
}

/** X when CV ≤ x, Y when ≤ y, Z above or when the CV is undefined (no demand). */
export function xyzClass(cv: number | null, t: XyzThresholds): 'X' | 'Y' | 'Z' {
  if (cv === null) return 'Z';
  if (cv <= t.x + 1e-9) return 'X';
  return cv <= t.y + 1e-9 ? 'Y' : 'Z';
}
