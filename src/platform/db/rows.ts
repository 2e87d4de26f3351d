import { sql, type AnyColumn, type SQL } from 'drizzle-orm';
import type { Tx } from './types.js';

/** Rows of a raw statement; the two drivers shape `execute` results differently. */
export async function selectRows<T>(tx: Tx, query: SQL): Promise<T[]> {
  const result = await tx.db.execute(query);
  return (Array.isArray(result) ? result : (result as { rows: unknown[] }).rows) as T[];
}

/**
 * `column = any($1::uuid[])`: a list of ids as one array parameter. Drizzle's `inArray` makes a
 * parameter per id, and building those costs more than the query on a page of 50 (each parameter
 * is type-checked as the statement is assembled); PostgreSQL plans both the same way.
 */
export function anyId(column: SQL | AnyColumn, ids: readonly string[]): SQL {
  return sql`${column} = any(${`{${ids.join(',')}}`}::uuid[])`;
}
