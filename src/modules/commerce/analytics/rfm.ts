/**
 * RFM scoring and segments (README § Analytics, "Customers"). Pure: the service reads each
 * customer's recency, frequency and monetary value, these functions score and name them.
 */

export const RFM_SEGMENTS = [
  'champions',
  'loyal',
  'potential_loyalists',
  'new',
  'promising',
  'needs_attention',
  'about_to_sleep',
  'at_risk',
  'cant_lose',
  'hibernating',
  'lost',
] as const;
export type RfmSegment = (typeof RFM_SEGMENTS)[number];

/**
 * Scores 1–5 by quintiles of the customers' values, with ties sharing a score: a value's score is
 * 1 + ⌊5 × (worse + tied ÷ 2) ÷ n⌋, where `worse` counts customers with a strictly worse value and
 * `tied` those with the same value (itself included), i.e. the quintile of the midpoint of the
 * value's percentile span. Distinct values spread 1…5 evenly; equal values always score the same;
 * when every customer has the same value they all score 3 (the middle), also for one customer.
 * `higherIsBetter` is false for recency (fewer days since the last purchase is better).
 */
export function quintileScores(values: readonly number[], higherIsBetter: boolean): number[] {
  const n = values.length;
  if (!n) return [];
  const sorted = [...values].sort((a, b) => a - b);
  const lowerBound = (v: number) => {
    let lo = 0;
    let hi = n;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (sorted[mid]! < v) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
  const upperBound = (v: number) => {
    let lo = 0;
    let hi = n;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (sorted[mid]! <= v) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
  return values.map((v) => {
    const below = lowerBound(v);
    const tied = upperBound(v) - below;
    const worse = higherIsBetter ? below : n - below - tied;
    return Math.min(5, 1 + Math.floor((5 * (worse + tied / 2)) / n));
  });
}

/**
 * The segment of a recency score R and frequency score F (monetary does not name the segment; it
 * is reported beside it). Every one of the 25 (R, F) pairs maps to exactly one segment:
 *
 * | R \ F | 1 | 2 | 3 | 4 | 5 |
 * | --- | --- | --- | --- | --- | --- |
 * | 5 | new | potential_loyalists | potential_loyalists | champions | champions |
 * | 4 | promising | potential_loyalists | potential_loyalists | loyal | loyal |
 * | 3 | about_to_sleep | about_to_sleep | needs_attention | loyal | loyal |
 * | 2 | hibernating | hibernating | at_risk | at_risk | cant_lose |
 * | 1 | lost | lost | at_risk | at_risk | cant_lose |
 */
export function rfmSegment(r: number, f: number): RfmSegment {
  if (r <= 2) {
    if (f === 5) return 'cant_lose';
    if (f >= 3) return 'at_risk';
    return r === 1 ? 'lost' : 'hibernating';
  }
  if (r === 3) {
    if (f >= 4) return 'loyal';
    return f === 3 ? 'needs_attention' : 'about_to_sleep';
  }
  if (f >= 4) return r === 5 ? 'champions' : 'loyal';
  if (f >= 2) return 'potential_loyalists';
  return r === 5 ? 'new' : 'promising';
}

export interface RfmInput {
  recencyDays: number;
  frequency: number;
  monetary: number;
}

export interface RfmScore {
  r: number;
  f: number;
  m: number;
  segment: RfmSegment;
}

/** Scores every customer against the others of the same set (window, scope). */
export function scoreCustomers(rows: readonly RfmInput[]): RfmScore[] {
  const r = quintileScores(
    rows.map((x) => x.recencyDays),
    false,
  );
  const f = quintileScores(
    rows.map((x) => x.frequency),
    true,
  );
  const m = quintileScores(
    rows.map((x) => x.monetary),
    true,
  );
  return rows.map((_, i) => ({ r: r[i]!, f: f[i]!, m: m[i]!, segment: rfmSegment(r[i]!, f[i]!) }));
}
