import { int, str, url, type Parser } from './config-parsers.js';

/** Requests per second: a positive decimal (`1`, `0.5`, `20`). */
const rate: Parser<number> = (raw) => {
  if (!/^\d{1,4}(\.\d{1,3})?$/.test(raw)) throw new Error('must be a positive number of requests per second');
  const value = Number(raw);
  if (value <= 0 || value > 1000) throw new Error('must be above 0 and at most 1000');
  return value;
};

/**
 * The geocoder's settings (outlet and visit addresses, src/platform/geocoding), spread into the
 * settings table of config.ts so they parse, print and document like every other setting.
 */
export const geocoderSettings = {
  geocoderUrl: {
    env: 'GEOCODER_URL',
    description:
      'Nominatim base URL (https://nominatim.openstreetmap.org or a self-hosted instance); unset = geocoding off, records show geocode_status off',
    parse: url('http', 'https'),
  },
  geocoderUserAgent: {
    env: 'GEOCODER_USER_AGENT',
    description:
      'User-Agent sent to the geocoder; the public Nominatim requires one that identifies the installation (add a contact)',
    default: 'SalesOps geocoder',
    parse: str,
  },
  geocoderRateLimit: {
    env: 'GEOCODER_RATE_LIMIT',
    description:
      'Requests per second to the geocoder, shared by every process (the public Nominatim allows at most 1)',
    default: 1,
    parse: rate,
  },
  geocoderTimeoutMs: {
    env: 'GEOCODER_TIMEOUT_MS',
    description: 'How long one geocoder request may take before it counts as failed and is retried',
    default: 10_000,
    parse: int(100, 120_000),
  },
  geocoderRetryLimit: {
    env: 'GEOCODER_RETRY_LIMIT',
    description:
      'Retries of a lookup the geocoder could not answer (throttled, 5xx, timeout, unreachable) before the record shows geocode_status failed',
    default: 5,
    parse: int(0, 50),
  },
  geocoderRetryDelaySeconds: {
    env: 'GEOCODER_RETRY_DELAY_SECONDS',
    description:
      'Base of the exponential backoff between those retries (retry n waits d·2^(n-1) to d·2^n seconds)',
    default: 60,
    parse: int(1, 3600),
  },
};
