import { Type } from 'typebox';
import { addressJson, GeocodedAddress, GeocodeStatusSchema } from '../../../platform/geocoding/place.js';
import type { VisitRow } from './visits.repository.js';

const NullableAddress = Type.Union([Type.Null(), GeocodedAddress]);

/** The geocoding fields of a visit (spread into the Visit schema). */
export const VisitGeocodeFields = {
  check_in_address: NullableAddress,
  check_in_geocode_status: GeocodeStatusSchema,
  completion_address: NullableAddress,
  completion_geocode_status: GeocodeStatusSchema,
  geocode_error: Type.Union([
    Type.Null(),
    Type.String({ description: 'Why the last address lookup failed (while retried, and when it failed)' }),
  ]),
};

export function visitGeocodeJson(row: VisitRow) {
  return {
    check_in_address: row.checkInAddress ? addressJson(row.checkInAddress) : null,
    check_in_geocode_status: row.checkInGeocodeStatus,
    completion_address: row.completionAddress ? addressJson(row.completionAddress) : null,
    completion_geocode_status: row.completionGeocodeStatus,
    geocode_error: row.geocodeError,
  };
}
