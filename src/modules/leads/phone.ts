import { parsePhone } from '../../lib/phone.js';
import { validationFailed } from '../../platform/http/errors.js';

/** When a tenant has no region of its own (settings always give one; this guards a blank). */
export const FALLBACK_PHONE_REGION = 'UZ';

/**
 * A lead's phone in E.164, read with the tenant's default region for numbers written without a
 * country code (`901234567` in an Uzbek tenant is `+998901234567`), by the same rules as users'
 * numbers. A string that cannot be a phone number is 422 at `path`: duplicate detection and
 * conversion matching compare these normalised numbers, so an unparseable one would match nothing.
 */
export function normaliseLeadPhone(input: string, region: string | undefined, path: string): string {
  const result = parsePhone(input, region || FALLBACK_PHONE_REGION);
  if (!result.ok) throw validationFailed([{ path, message: result.error.message }]);
  return result.e164;
}
