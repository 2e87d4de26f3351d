import { haversineMeters, type LatLng } from '../../lib/geo.js';

/**
 * The field module's pure formulas (DESIGN §6 "Field"): no I/O, so the table tests can pin them to
 * hand-computed values.
 */

/** Outlets without a configured radius use this one. */
export const DEFAULT_GEOFENCE_RADIUS_M = 100;

export interface GeofenceResult {
  /** Haversine distance to the outlet in metres, rounded to 0.1 m; null when the outlet has no location. */
  distanceM: number | null;
  /** Whether the point is inside the outlet's radius (inclusive); null when unknown. */
  withinGeofence: boolean | null;
}

/** A check-in is verified when its distance to the outlet is at most the outlet's radius. */
export function geofenceCheck(
  point: LatLng,
  outlet: { latitude: number | null; longitude: number | null; radiusM?: number | null },
): GeofenceResult {
  if (outlet.latitude === null || outlet.longitude === null) return { distanceM: null, withinGeofence: null };
  const distance = haversineMeters(point, { latitude: outlet.latitude, longitude: outlet.longitude });
  const radius = outlet.radiusM ?? DEFAULT_GEOFENCE_RADIUS_M;
  return { distanceM: Math.round(distance * 10) / 10, withinGeofence: distance <= radius };
}

/** Rounds a percentage to two decimals for display. */
const pct = (value: number): number => Math.round(value * 100) / 100;

/**
 * A brand's share of one shelf photo: its area % when given, else marked cells ÷ grid cells × 100.
 * Duplicate cells count once.
 */
export function photoShelfShare(
  grid: { rows: number; cols: number },
  mark: { cells: readonly { row: number; col: number }[]; areaPercent?: number | null },
): number {
  if (mark.areaPercent !== undefined && mark.areaPercent !== null) return pct(mark.areaPercent);
  const total = grid.rows * grid.cols;
  if (total <= 0) return 0;
  const distinct = new Set(mark.cells.map((c) => `${c.row}:${c.col}`));
  return pct((distinct.size / total) * 100);
}

export interface BrandShareInput {
  brandId: string;
  isOwn: boolean;
  /** The brand's share on one photo (photoShelfShare). */
  share: number;
}

export interface AggregatedShare {
  brands: { brandId: string; isOwn: boolean; sharePercent: number }[];
  ownPercent: number;
  competitorPercent: number;
}

/**
 * Aggregated share over many photos: Σ a brand's shares ÷ Σ every brand's shares × 100, so the
 * brands sum to 100 (up to rounding); own brands against competitors likewise. All zero without data.
 */
export function aggregateShelfShare(rows: readonly BrandShareInput[]): AggregatedShare {
  const sums = new Map<string, { isOwn: boolean; sum: number }>();
  let total = 0;
  for (const row of rows) {
    const entry = sums.get(row.brandId) ?? { isOwn: row.isOwn, sum: 0 };
    entry.sum += row.share;
    sums.set(row.brandId, entry);
    total += row.share;
  }
  const share = (sum: number) => (total > 0 ? pct((sum / total) * 100) : 0);
  let own = 0;
  for (const entry of sums.values()) if (entry.isOwn) own += entry.sum;
  return {
    brands: [...sums.entries()]
      .map(([brandId, e]) => ({ brandId, isOwn: e.isOwn, sharePercent: share(e.sum) }))
      .sort((a, b) => b.sharePercent - a.sharePercent || a.brandId.localeCompare(b.brandId)),
    ownPercent: share(own),
    competitorPercent: total > 0 ? share(total - own) : 0,
  };
}
