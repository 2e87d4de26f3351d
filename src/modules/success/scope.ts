import { sql, type SQL } from 'drizzle-orm';
import type { AnyPgColumn } from 'drizzle-orm/pg-core';
import { selectRows } from '../../platform/db/rows.js';
import type { Tx } from '../../platform/db/types.js';
import type { Principal } from '../../platform/http/auth.js';
import { notFound } from '../../platform/http/errors.js';
import { scopePredicate } from '../../platform/resource/index.js';

/**
 * Customer-success records are scoped by their customer's account manager (`customers.owner_id`):
 * an account manager sees their own customers' deployments, scores, responses and interactions, a
 * team leader their team's, a tenant-wide role every customer. A customer without an account
 * manager is visible to tenant-wide roles only. Undefined for tenant scope (`and()` ignores it).
 */
export function customerScope(principal: Principal, customerIdColumn: AnyPgColumn | SQL): SQL | undefined {
  const owned = scopePredicate(principal, sql`c.owner_id`);
  if (!owned) return undefined;
  return sql`${customerIdColumn} in (select c.id from customers c where ${owned})`;
}

/**
 * The customer, when it exists in the tenant and the caller's scope; otherwise 404 (a customer out
 * of scope is indistinguishable from one that does not exist).
 */
export async function customerInScope(
  tx: Tx,
  principal: Principal,
  customerId: string,
): Promise<{ id: string; name: string; ownerId: string | null; status: string }> {
  const owned = scopePredicate(principal, sql`c.owner_id`);
  const [row] = await selectRows<{ id: string; name: string; ownerId: string | null; status: string }>(
    tx,
    sql`select c.id, c.name, c.owner_id as "ownerId", c.status from customers c
      where c.id = ${customerId} ${owned ? sql`and ${owned}` : sql``}`,
  );
  if (!row) throw notFound('Customer');
  return row;
}
