import { pgErrorOf, translateDbError } from '../../../platform/db/pg-errors.js';
import { AppError } from '../../../platform/http/errors.js';
import { ProviderError } from '../integrations/provider.js';

/**
 * Data the database refuses: a data exception (class 22: a number out of its column's range, text
 * it cannot take) or an integrity violation (class 23). Such an error belongs to a row, not to the
 * run; anything else (a lost connection, a missing permission) still fails the page.
 */
export function isRefusedData(error: unknown): boolean {
  const state = pgErrorOf(error)?.code;
  return !!state && (state.startsWith('22') || state.startsWith('23'));
}

/** Why the database refused a row, in its own words (never the statement or its values). */
export function refusalText(error: unknown): string {
  const refused = pgErrorOf(error);
  return `the database refused it: ${refused?.message ?? 'unknown reason'}${refused?.detail ? ` (${refused.detail})` : ''}`;
}

/**
 * What a failed job or webhook delivery records, shown to the tenant's admins: provider errors and
 * the app's own as they are, refused data as the database's reason, other database errors as their
 * API answer. Anything else is a defect (`unexpected`): its text, for a failed statement the SQL and
 * its values, belongs in the server log only, and the record names `subject` to find it there.
 */
export function failureText(error: unknown, subject: string): { text: string; unexpected: boolean } {
  if (error instanceof ProviderError) return { text: `${error.code}: ${error.message}`, unexpected: false };
  if (isRefusedData(error)) return { text: refusalText(error), unexpected: false };
  const known = error instanceof AppError ? error : translateDbError(error);
  if (known) return { text: `${known.code}: ${known.message}`, unexpected: !(error instanceof AppError) };
  return {
    text: `internal_error: stopped on an unexpected error; the server log has it under ${subject}.`,
    unexpected: true,
  };
}
