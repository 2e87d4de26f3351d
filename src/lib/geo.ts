/** Mean Earth radius (IUGG), metres. The SQL distance in catalog uses the same constant. */
export const EARTH_RADIUS_M = 6_371_008.8;

export interface LatLng {
  latitude: number;
  longitude: number;
}

const rad = (deg: number): number => (deg * Math.PI) / 180;
const deg = (radians: number): number => (radians * 180) / Math.PI;

/** Great-circle distance in metres between two points (haversine formula). */
export function haversineMeters(a: LatLng, b: LatLng): number {
  const dLat = rad(b.latitude - a.latitude);
  const dLng = rad(b.longitude - a.longitude);
  const h =
    Math.sin(dLat / 2) ** 2 + Math.cos(rad(a.latitude)) * Math.cos(rad(b.latitude)) * Math.sin(dLng / 2) ** 2;
  return 2 * EARTH_RADIUS_M * Math.asin(Math.min(1, Math.sqrt(h)));
}

export interface BoundingBox {
  minLat: number;
  maxLat: number;
  /** Absent when the box reaches a pole or crosses the antimeridian: no longitude bound then. */
  minLng?: number;
  maxLng?: number;
}

/**
 * A latitude/longitude box that contains every point within `radiusM` of `center`: a cheap,
 * index-friendly prefilter before the exact distance.
 */
export function boundingBox(center: LatLng, radiusM: number): BoundingBox {
  const dLat = deg(radiusM / EARTH_RADIUS_M);
  const minLat = center.latitude - dLat;
  const maxLat = center.latitude + dLat;
  if (minLat <= -90 || maxLat >= 90) return { minLat: Math.max(minLat, -90), maxLat: Math.min(maxLat, 90) };
  const dLng = deg(
    Math.asin(Math.min(1, Math.sin(radiusM / EARTH_RADIUS_M) / Math.cos(rad(center.latitude)))),
  );
  const minLng = center.longitude - dLng;
  const maxLng = center.longitude + dLng;
  if (minLng < -180 || maxLng > 180) return { minLat, maxLat };
  return { minLat, maxLat, minLng, maxLng };
}

/** Parses `"41.2995,69.2401"`; undefined when malformed or out of range. */
export function parseLatLng(value: string): LatLng | undefined {
  const match = /^\s*(-?\d+(?:\.\d+)?)\s*,\s*(-?\d+(?:\.\d+)?)\s*$/.exec(value);
  if (!match) return undefined;
  const latitude = Number(match[1]);
  const longitude = Number(match[2]);
  if (Math.abs(latitude) > 90 || Math.abs(longitude) > 180) return undefined;
  return { latitude, longitude };
}
