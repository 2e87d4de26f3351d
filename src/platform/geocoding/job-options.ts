import type { Config } from '../../config.js';
import type { JobOptions } from '../jobs/types.js';

/** Retries with backoff for geocoding jobs, from GEOCODER_RETRY_LIMIT and GEOCODER_RETRY_DELAY_SECONDS. */
export function geocodeJobOptions(
  config: Pick<Config, 'geocoderRetryLimit' | 'geocoderRetryDelaySeconds' | 'geocoderTimeoutMs'>,
): Required<Pick<JobOptions, 'retryLimit' | 'retryDelaySeconds' | 'expireInSeconds'>> {
  return {
    retryLimit: config.geocoderRetryLimit,
    retryDelaySeconds: config.geocoderRetryDelaySeconds,
    // A lookup may wait up to 30 s for its rate-limit slot, then the request's own timeout.
    expireInSeconds: 60 + Math.ceil(config.geocoderTimeoutMs / 1000),
  };
}

/** The last attempt of a job registered with these options: its failure is final. */
export const isFinalAttempt = (attempt: number, options: { retryLimit: number }) =>
  attempt > options.retryLimit;
