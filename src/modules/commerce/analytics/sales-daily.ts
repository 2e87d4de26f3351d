import { sql } from 'drizzle-orm';
import { selectRows } from '../../../platform/db/rows.js';
import type { Tx } from '../../../platform/db/types.js';

/**
 * The daily sales rollup (`commerce_sales_daily`) outside its triggers: rebuilding a tenant's rows
 * from the positions and measuring how far they are from them. The triggers keep the rows exact;
 * these are for repairs (after restoring positions with triggers disabled, say) and for checks.
 */

/** What the positions of a tenant say the rollup must hold, in the tenant's current time zone. */
const truthSql = (tenantId: string) => sql`
  select (d).tenant_id, (d).day, (d).product_id, (d).customer_id, (d).warehouse_id, (d).owner_id,
    sum((d).revenue) as revenue, sum((d).cost) as cost, sum((d).quantity) as quantity,
    sum((d).positions)::int as positions
  from (select commerce_sales_daily_delta(1, p, coalesce(t.settings ->> 'time_zone', 'UTC')) as d
    from commerce_document_positions p join tenants t on t.id = p.tenant_id
    where p.tenant_id = ${tenantId} and p.active and p.kind in ('shipment', 'sales_return')) x
  group by 1, 2, 3, 4, 5, 6`;

const storedSql = (tenantId: string) => sql`
  select tenant_id, day, product_id, customer_id, warehouse_id, owner_id, revenue, cost, quantity, positions
  from commerce_sales_daily where tenant_id = ${tenantId}`;

/** Replaces the tenant's rows with a recomputation from its positions; returns how many it wrote. */
export async function rebuildSalesDaily(tx: Tx, tenantId: string): Promise<number> {
  const [row] = await selectRows<{ rows: number }>(
    tx,
    sql`select commerce_sales_daily_rebuild(${tenantId}) as rows`,
  );
  return row!.rows;
}

/**
 * Rows that differ between the rollup and a recomputation from the positions (a row missing on
 * either side or holding other sums counts once per side): 0 when the rollup is in step.
 */
export async function salesDailyDrift(tx: Tx, tenantId: string): Promise<number> {
  const [row] = await selectRows<{ drift: number }>(
    tx,
    sql`select count(*)::int as drift from (
      (${truthSql(tenantId)} except all ${storedSql(tenantId)})
      union all
      (${storedSql(tenantId)} except all ${truthSql(tenantId)})) d`,
  );
  return row!.drift;
}
