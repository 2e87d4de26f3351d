import type { Tx } from './types.js';

/**
 * Holds the transaction-scoped advisory lock named `key` until `tx` ends: writers that must not
 * interleave (they compute what they write from rows another writer may be changing) take the same
 * key and run one after the other. Keys are plain text, e.g. `${tenantId}:product-folders`.
 */
export async function lockForTransaction(tx: Tx, key: string): Promise<void> {
  await tx.sql.query('select pg_advisory_xact_lock(hashtextextended($1, 0))', [key]);
}
