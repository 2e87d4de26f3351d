import type { Tx } from '../../../platform/db/types.js';
import { customers } from '../tables/core.tables.js';

export type NewCustomerRow = typeof customers.$inferInsert;

/**
 * Inserts customers as given, in the caller's tenant transaction: for other modules' demo and
 * bulk data (the API's writes go through the customers service, which validates and audits).
 */
export async function insertCustomerRows(
  tx: Tx,
  rows: readonly NewCustomerRow[],
): Promise<{ id: string; ownerId: string | null }[]> {
  if (!rows.length) return [];
  return tx.db
    .insert(customers)
    .values([...rows])
    .returning({ id: customers.id, ownerId: customers.ownerId });
}
