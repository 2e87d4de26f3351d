import { createHash } from 'node:crypto';
import { eq } from 'drizzle-orm';
import type { LatLng } from '../../lib/geo.js';
import type { Database } from '../db/types.js';
import { geocodeCache } from './geocoding.tables.js';
import type { GeocodeOutcome, Place } from './types.js';

/** 5 decimals ≈ 1.1 m: two fixes that close are the same address. */
const DECIMALS = 5;
/** "Nothing found" is asked again after this long (the map gets edited); found places are kept. */
const NOT_FOUND_TTL_MS = 7 * 24 * 3600_000;

export interface CacheKey {
  key: string;
  kind: 'search' | 'reverse';
  query: string;
}

/** Case, surrounding and repeated white space and trailing commas do not change an address. */
export function normaliseQuery(query: string): string {
  return query
    .toLowerCase()
    .replace(/\s+/g, ' ')
    .replace(/\s*,\s*/g, ', ')
    .replace(/^[\s,]+|[\s,]+$/g, '');
}

export function searchKey(query: string): CacheKey {
  const normalised = normaliseQuery(query);
  const digest = createHash('sha256').update(normalised).digest('hex');
  return { key: `search:${digest}`, kind: 'search', query: normalised };
}

export function reverseKey(point: LatLng): CacheKey {
  const rounded = `${point.latitude.toFixed(DECIMALS)},${point.longitude.toFixed(DECIMALS)}`;
  return { key: `reverse:${rounded}`, kind: 'reverse', query: rounded };
}

/** The geocode cache, read and written as the owner (the application role has no access). */
export function createGeocodeCache(db: Pick<Database, 'withSystem'>) {
  return {
    async get(key: CacheKey): Promise<GeocodeOutcome | undefined> {
      const [row] = await db.withSystem((tx) =>
        tx.db.select().from(geocodeCache).where(eq(geocodeCache.key, key.key)),
      );
      if (!row) return undefined;
      if (row.place) return { found: true, place: row.place };
      return Date.now() - row.fetchedAt.getTime() < NOT_FOUND_TTL_MS ? { found: false } : undefined;
    },

    async put(key: CacheKey, provider: string, outcome: GeocodeOutcome): Promise<void> {
      const place: Place | null = outcome.found ? outcome.place : null;
      await db.withSystem((tx) =>
        tx.db
          .insert(geocodeCache)
          .values({ ...key, provider, place })
          .onConflictDoUpdate({
            target: geocodeCache.key,
            set: { provider, place, fetchedAt: new Date() },
          }),
      );
    },
  };
}
