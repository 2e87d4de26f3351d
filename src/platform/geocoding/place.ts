import { Type, type Static } from 'typebox';
import type { Place } from './types.js';

export const GeocodeStatusSchema = Type.Union(
  [
    Type.Null(),
    Type.Literal('pending'),
    Type.Literal('ok'),
    Type.Literal('not_found'),
    Type.Literal('failed'),
    Type.Literal('off'),
  ],
  {
    description:
      'pending: a lookup is queued or being retried; ok: done; not_found: the geocoder knows no such place; failed: every retry failed (see the error); off: geocoding is not configured (GEOCODER_URL); null: nothing to look up',
  },
);

const Str = Type.Union([Type.String(), Type.Null()]);

/** A reverse-geocoded address as the API shows it. */
export const GeocodedAddress = Type.Object(
  {
    street: Str,
    house_number: Str,
    city: Str,
    region: Str,
    postcode: Str,
    country: Str,
    country_code: Type.Union([Type.String({ description: 'ISO 3166-1 alpha-2' }), Type.Null()]),
    display_name: Type.String({ description: "The geocoder's one-line label" }),
  },
  { description: 'Address at the position, from the geocoder (OpenStreetMap data)' },
);
export type GeocodedAddress = Static<typeof GeocodedAddress>;

export function addressJson(place: Place): GeocodedAddress {
  return {
    street: place.street,
    house_number: place.houseNumber,
    city: place.city,
    region: place.region,
    postcode: place.postcode,
    country: place.country,
    country_code: place.countryCode,
    display_name: place.displayName,
  };
}

/** One line people write on an outlet: "Amir Temur Street 12, Tashkent, Uzbekistan". */
export function addressLine(place: Place): string {
  const street = [place.street, place.houseNumber].filter(Boolean).join(' ');
  const parts = [street, place.city, place.region !== place.city ? place.region : null, place.country].filter(
    (p): p is string => Boolean(p),
  );
  return (parts.length ? parts.join(', ') : place.displayName).slice(0, 500);
}
