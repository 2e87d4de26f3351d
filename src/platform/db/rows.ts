import type { SQL } from 'drizzle-orm';
import type { Tx } from './types.js';

/** Rows of a raw statement; the two drivers shape `execute` results differently. */
export async function selectRows<T>(tx: Tx, query: SQL): Promise<T[]> {
  const result = await tx.db.execute(query);
  return (Array.isArray(result) ? result : (result as { rows: unknown[] }).rows) as T[];
}
