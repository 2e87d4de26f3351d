/**
 * ABC (revenue share) and XYZ (demand variability) classes of products (README § Analytics). Pure.
 */

export interface AbcThresholds {
  /** Cumulative revenue share (percent) up to which a product is A. */
  a: number;
  /** … up to which it is B; above, C. */
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
 * share of the positive revenue and the cumulative share including it, in percent, and its class:
 * A while the cumulative share ≤ a, B while ≤ b, C beyond. A product with revenue ≤ 0 (returns
 * outweigh sales) holds no share and is C. Shares are exact to the cent; compared unrounded.
 */
export function abcClasses(revenuesDesc: readonly number[], t: AbcThresholds): AbcRow[] {
  const total = revenuesDesc.reduce((s, v) => (v > 0 ? s + v : s), 0);
  let cumulative = 0;
  return revenuesDesc.map((revenue) => {
    if (revenue <= 0 || total <= 0) return { share: 0, cumulativeShare: total > 0 ? 100 : 0, abc: 'C' };
    cumulative += revenue;
    const share = (revenue / total) * 100;
    const cumulativeShare = (cumulative / total) * 100;
    // A tolerance of a billionth of a percent keeps 80.000000000001 (float noise) in A.
    const abc = cumulativeShare <= t.a + 1e-9 ? 'A' : cumulativeShare <= t.b + 1e-9 ? 'B' : 'C';
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
