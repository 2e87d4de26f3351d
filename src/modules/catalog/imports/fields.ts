import type { CellValue } from '../../../platform/bulk/index.js';

/**
 * The body fields of the columns a file has, copied as converted. An empty cell clears a nullable
 * field; for a field that cannot be empty it sets the API's default (`defaults`), so an upsert
 * always writes what the file says.
 */
export function bodyOf(
  record: Record<string, CellValue>,
  columns: ReadonlySet<string>,
  fields: readonly string[],
  defaults: Record<string, unknown> = {},
): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  for (const field of fields) {
    if (!columns.has(field)) continue;
    const value = record[field];
    body[field] = value === null || value === undefined ? (defaults[field] ?? null) : value;
  }
  return body;
}
