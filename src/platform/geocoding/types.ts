import type { LatLng } from '../../lib/geo.js';

/** What a record's geocoding stands at (null on the record when there was nothing to look up). */
export const GEOCODE_STATUSES = ['pending', 'ok', 'not_found', 'failed', 'off'] as const;
export type GeocodeStatus = (typeof GEOCODE_STATUSES)[number];

/** A place as SalesOps keeps it: the provider's address broken into the fields people read. */
export interface Place {
  latitude: number;
  longitude: number;
  /** The provider's one-line label for the place. */
  displayName: string;
  street: string | null;
  houseNumber: string | null;
  city: string | null;
  region: string | null;
  postcode: string | null;
  country: string | null;
  /** ISO 3166-1 alpha-2, upper case. */
  countryCode: string | null;
}

/** A lookup's answer: the place, or the provider's word that there is none. */
export type GeocodeOutcome = { found: true; place: Place } | { found: false };

/** A geocoding service SalesOps can ask (Nominatim today). */
export interface GeocodingProvider {
  readonly name: string;
  /** An address or place description → the best matching place. */
  search(query: string): Promise<GeocodeOutcome>;
  /** A position → the address there. */
  reverse(point: LatLng): Promise<GeocodeOutcome>;
}

/**
 * The provider could not answer now (throttled, a 5xx, a timeout, unreachable): worth retrying
 * later. `retryAfterSeconds` is the provider's own hint (HTTP 429/503 Retry-After).
 */
export class GeocoderUnavailableError extends Error {
  constructor(
    message: string,
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
    this.name = 'GeocoderUnavailableError';
  }
}

/** The provider refused the request itself (a 4xx other than 429): retrying will not help. */
export class GeocoderRejectedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'GeocoderRejectedError';
  }
}

/** What modules use: lookups through the cache and the shared rate limit. */
export interface Geocoder {
  /** False when GEOCODER_URL is unset: nothing is looked up and modules mark records `off`. */
  readonly enabled: boolean;
  search(query: string): Promise<GeocodeOutcome>;
  reverse(point: LatLng): Promise<GeocodeOutcome>;
}
