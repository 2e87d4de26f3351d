import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js';
import { validationFailed } from '../../platform/http/errors.js';

/**
 * Validates a phone number and normalises it to E.164 with the tenant's default region, so an Uzbek
 * tenant accepts `998901234567` and stores `+998901234567`. Empty input clears the number.
 */
export function normalisePhone(
  input: string | null | undefined,
  region: string,
  path = '/body/phone',
): string | null {
  if (input === null || input === undefined || input.trim() === '') return null;
  const parsed = parsePhoneNumberFromString(input.trim(), region.toUpperCase() as CountryCode);
  if (!parsed?.isValid()) throw validationFailed([{ path, message: 'must be a valid phone number' }]);
  return parsed.number;
}
