export { createGeocoder, createGeocoderOver, type GeocoderSettings } from './geocoder.js';
export { createNominatimProvider, placeOf } from './nominatim.js';
export { createThrottle, type Throttle } from './throttle.js';
export { normaliseQuery, reverseKey, searchKey } from './cache.js';
export {
  GEOCODE_STATUSES,
  GeocoderRejectedError,
  GeocoderUnavailableError,
  type GeocodeOutcome,
  type GeocodeStatus,
  type Geocoder,
  type GeocodingProvider,
  type Place,
} from './types.js';
export { addressJson, addressLine, GeocodedAddress, GeocodeStatusSchema } from './place.js';
export { geocodeJobOptions, isFinalAttempt } from './job-options.js';
