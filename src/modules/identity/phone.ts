import { parsePhone } from '../../lib/phone.js';
import { validationFailed } from '../../platform/http/errors.js';
import type { TenantSettings } from './tables/tenants.tables.js';

/**
 * A phone number field of a request in E.164, read with the tenant's `default_phone_region` (an
 * Uzbek tenant turns `90 123 45 67` and `998901234567` into `+998901234567`). Null, undefined and
 * blank clear the number (null); anything else that is not a valid number is 422 at `path`.
 */
export function phoneField(
  input: string | null | undefined,
  region: string,
  path = '/body/phone',
): string | null {
  if (input === null || input === undefined || input.trim() === '') return null;
  const result = parsePhone(input, region);
  if (!result.ok) throw validationFailed([{ path, message: result.error.message }]);
  return result.e164;
}

/**
 * With the tenant setting `require_phone`, a user written (created or updated) must end up with a
 * phone number: 422 at `path` otherwise, so a tenant that turns the setting on gets the missing
 * numbers filled in as its users are next edited.
 */
export function checkPhoneRequired(
  phone: string | null | undefined,
  settings: Pick<TenantSettings, 'require_phone'>,
  path = '/body/phone',
): void {
  if (settings.require_phone && !phone)
    throw validationFailed([{ path, message: 'is required by the tenant (setting require_phone)' }]);
}
