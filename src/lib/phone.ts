import { isSupportedCountry, parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js';

/**
 * Phone numbers as SalesOps stores them: E.164 (`+998901234567`), parsed with `libphonenumber-js`
 * and a default region (ISO 3166-1 alpha-2) for numbers written without a country code, so in an
 * Uzbek tenant `90 123 45 67`, `998901234567` and `+998 90-123-45-67` are the same number. Pure: no
 * I/O, no HTTP; callers turn a `PhoneNumberError` into their own answer (a 422 at their field).
 */

/** Longest input looked at: a formatted international number fits in well under 32 characters. */
export const PHONE_INPUT_MAX_LENGTH = 32;
/** E.164 allows at most 15 digits (country code included). */
const E164_MAX_DIGITS = 15;
/**
 * What people type around the digits: spaces, dashes, dots, slashes, parentheses and one leading
 * `+`. Letters are refused, so extensions (`ext. 5`) and vanity numbers never reach storage
 * silently truncated, and neither do control characters.
 */
const ALLOWED = /^\+?[0-9 ()./-]+$/;

export type PhoneErrorReason = 'empty' | 'too_long' | 'invalid_characters' | 'unknown_region' | 'invalid';

const MESSAGES: Record<PhoneErrorReason, string> = {
  empty: 'must not be empty',
  too_long: `must have at most ${E164_MAX_DIGITS} digits and ${PHONE_INPUT_MAX_LENGTH} characters`,
  invalid_characters: 'may contain only digits, spaces, dashes, dots, parentheses and a leading +',
  unknown_region: 'default region is not a supported country code',
  invalid: 'must be a valid phone number',
};

export class PhoneNumberError extends Error {
  constructor(readonly reason: PhoneErrorReason) {
    super(MESSAGES[reason]);
    this.name = 'PhoneNumberError';
  }
}

export type PhoneResult = { ok: true; e164: string } | { ok: false; error: PhoneNumberError };

/** True when `region` is an ISO 3166-1 alpha-2 code the library has numbering rules for. */
export function isPhoneRegion(region: string): boolean {
  return /^[A-Z]{2}$/.test(region) && isSupportedCountry(region);
}

/** The E.164 form of `input`, or the reason it is not a phone number. */
export function parsePhone(input: string, defaultRegion: string): PhoneResult {
  const fail = (reason: PhoneErrorReason): PhoneResult => ({
    ok: false,
    error: new PhoneNumberError(reason),
  });
  const text = input.trim();
  if (text === '') return fail('empty');
  if (text.length > PHONE_INPUT_MAX_LENGTH) return fail('too_long');
  if (!ALLOWED.test(text)) return fail('invalid_characters');
  if (text.replace(/\D/g, '').length > E164_MAX_DIGITS) return fail('too_long');
  const region = defaultRegion.toUpperCase();
  if (!isPhoneRegion(region)) return fail('unknown_region');
  const parsed = parsePhoneNumberFromString(text, region as CountryCode);
  if (!parsed?.isValid()) return fail('invalid');
  return { ok: true, e164: parsed.number };
}

/** `input` in E.164; throws `PhoneNumberError` when it is not a valid number. */
export function normalisePhone(input: string, defaultRegion: string): string {
  const result = parsePhone(input, defaultRegion);
  if (!result.ok) throw result.error;
  return result.e164;
}

/**
 * The digits of a search term when it reads as (part of) a phone number — at least three digits
 * and nothing but phone punctuation — for matching stored E.164 numbers; undefined otherwise.
 * `90 123` finds `+998901234567`.
 */
export function phoneSearchDigits(term: string): string | undefined {
  const text = term.trim();
  if (!ALLOWED.test(text)) return undefined;
  const digits = text.replace(/\D/g, '');
  return digits.length >= 3 ? digits : undefined;
}
