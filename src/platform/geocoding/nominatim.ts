import type { LatLng } from '../../lib/geo.js';
import {
  GeocoderRejectedError,
  GeocoderUnavailableError,
  type GeocodeOutcome,
  type GeocodingProvider,
  type Place,
} from './types.js';

export interface NominatimOptions {
  /** Base URL of the Nominatim instance (`https://nominatim.openstreetmap.org` or a self-hosted one). */
  url: string;
  /** Nominatim's usage policy requires an identifying User-Agent. */
  userAgent: string;
  timeoutMs: number;
}

/** The parts of a jsonv2 `/search` item or `/reverse` answer SalesOps reads. */
interface NominatimPlace {
  lat?: string;
  lon?: string;
  display_name?: string;
  address?: Record<string, string | undefined>;
  error?: string | { code?: number; message?: string };
}

const first = (address: Record<string, string | undefined>, keys: string[]) => {
  for (const key of keys) if (address[key]) return address[key];
  return null;
};

/** Nominatim's `address` object (OSM tags) → the fields of a Place. */
export function placeOf(item: NominatimPlace): Place | undefined {
  const latitude = Number(item.lat);
  const longitude = Number(item.lon);
  if (!Number.isFinite(latitude) || !Number.isFinite(longitude)) return undefined;
  const a = item.address ?? {};
  return {
    latitude,
    longitude,
    displayName: item.display_name ?? '',
    street: first(a, ['road', 'pedestrian', 'footway', 'street', 'square', 'neighbourhood']),
    houseNumber: a.house_number ?? null,
    city: first(a, ['city', 'town', 'village', 'hamlet', 'municipality', 'suburb']),
    region: first(a, ['state', 'region', 'province', 'state_district', 'county']),
    postcode: a.postcode ?? null,
    country: a.country ?? null,
    countryCode: a.country_code ? a.country_code.toUpperCase() : null,
  };
}

/** Retry-After is seconds or an HTTP date. */
function retryAfterOf(header: string | null): number | undefined {
  if (!header) return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds;
  const at = Date.parse(header);
  return Number.isNaN(at) ? undefined : Math.max(0, (at - Date.now()) / 1000);
}

/**
 * The Nominatim HTTP API (format=jsonv2): `/search` forward, `/reverse` backward. Throttling (429),
 * server errors, timeouts and refused connections become GeocoderUnavailableError (retry later);
 * other 4xx answers GeocoderRejectedError. Rate limiting is the caller's (see throttle.ts).
 */
export function createNominatimProvider(options: NominatimOptions): GeocodingProvider {
  const base = options.url.replace(/\/+$/, '');

  async function get(path: string, params: Record<string, string>): Promise<unknown> {
    const query = new URLSearchParams({ ...params, format: 'jsonv2', addressdetails: '1' });
    let response: Response;
    try {
      response = await fetch(`${base}${path}?${query}`, {
        headers: { 'user-agent': options.userAgent, accept: 'application/json' },
        signal: AbortSignal.timeout(options.timeoutMs),
      });
    } catch (error) {
      const cause = error as Error;
      const what = cause.name === 'TimeoutError' ? `no answer within ${options.timeoutMs} ms` : cause.message;
      throw new GeocoderUnavailableError(`Nominatim unreachable: ${what}`);
    }
    if (response.status === 429 || response.status >= 500) {
      await response.body?.cancel();
      throw new GeocoderUnavailableError(
        `Nominatim answered ${response.status}`,
        retryAfterOf(response.headers.get('retry-after')),
      );
    }
    if (!response.ok) {
      await response.body?.cancel();
      throw new GeocoderRejectedError(`Nominatim refused the request (${response.status})`);
    }
    try {
      return await response.json();
    } catch {
      throw new GeocoderUnavailableError('Nominatim answered with a body that is not JSON');
    }
  }

  const outcome = (item: NominatimPlace | undefined): GeocodeOutcome => {
    const place = item && !item.error ? placeOf(item) : undefined;
    return place ? { found: true, place } : { found: false };
  };

  return {
    name: 'nominatim',
    async search(q) {
      const body = await get('/search', { q, limit: '1' });
      if (!Array.isArray(body)) throw new GeocoderUnavailableError('Nominatim /search did not answer a list');
      return outcome(body[0] as NominatimPlace | undefined);
    },
    async reverse(point: LatLng) {
      const body = await get('/reverse', {
        lat: String(point.latitude),
        lon: String(point.longitude),
        zoom: '18',
      });
      // Nothing there: HTTP 200 with {"error": "Unable to geocode"}.
      return outcome(body as NominatimPlace);
    },
  };
}
