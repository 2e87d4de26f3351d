import type { LatLng } from '../../lib/geo.js';
import type { Database } from '../db/types.js';
import { createGeocodeCache, reverseKey, searchKey, type CacheKey } from './cache.js';
import { createNominatimProvider } from './nominatim.js';
import { createThrottle, type Throttle } from './throttle.js';
import {
  GeocoderUnavailableError,
  type GeocodeOutcome,
  type Geocoder,
  type GeocodingProvider,
} from './types.js';

export interface GeocoderSettings {
  geocoderUrl?: string;
  geocoderUserAgent: string;
  /** Requests per second to the provider, across every process. */
  geocoderRateLimit: number;
  geocoderTimeoutMs: number;
}

const disabled: Geocoder = {
  enabled: false,
  search: () => Promise.reject(new Error('Geocoding is off (GEOCODER_URL is unset)')),
  reverse: () => Promise.reject(new Error('Geocoding is off (GEOCODER_URL is unset)')),
};

/**
 * Lookups through the shared cache, then — rate limited across processes — the provider. Meant
 * for jobs only: a call may wait for its rate-limit slot, so it never belongs on a request's path.
 */
export function createGeocoderOver(
  db: Pick<Database, 'withSystem' | 'query'>,
  provider: GeocodingProvider,
  throttle: Throttle,
): Geocoder {
  const cache = createGeocodeCache(db);

  async function lookup(key: CacheKey, ask: () => Promise<GeocodeOutcome>): Promise<GeocodeOutcome> {
    const cached = await cache.get(key);
    if (cached) return cached;
    await throttle.acquire();
    let outcome: GeocodeOutcome;
    try {
      outcome = await ask();
    } catch (error) {
      // The provider's Retry-After holds every process back, not only this caller.
      if (error instanceof GeocoderUnavailableError && error.retryAfterSeconds)
        await throttle.pause(error.retryAfterSeconds);
      throw error;
    }
    await cache.put(key, provider.name, outcome);
    return outcome;
  }

  return {
    enabled: true,
    search: (query) => lookup(searchKey(query), () => provider.search(query)),
    reverse: (point: LatLng) => lookup(reverseKey(point), () => provider.reverse(point)),
  };
}

/** The configured geocoder: Nominatim at GEOCODER_URL, or a disabled one when it is unset. */
export function createGeocoder(
  settings: GeocoderSettings,
  db: Pick<Database, 'withSystem' | 'query'>,
): Geocoder {
  if (!settings.geocoderUrl) return disabled;
  const provider = createNominatimProvider({
    url: settings.geocoderUrl,
    userAgent: settings.geocoderUserAgent,
    timeoutMs: settings.geocoderTimeoutMs,
  });
  // One rate limit per provider host: every process asking the same instance shares it.
  const throttleKey = `${provider.name}:${new URL(settings.geocoderUrl).host}`;
  return createGeocoderOver(db, provider, createThrottle(db, throttleKey, settings.geocoderRateLimit));
}
