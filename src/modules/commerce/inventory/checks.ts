import { sql } from 'drizzle-orm';
import { selectRows } from '../../../platform/db/rows.js';
import type { Tx } from '../../../platform/db/types.js';
import type { AlertCheck, RaisedAlert } from '../../../platform/module.js';
import { commerceSettingsOf } from '../settings/settings.repository.js';
import { qty, qtyText } from './decimal.js';

interface Found {
  level_id: string;
  product_name: string;
  product_code: string;
  warehouse_name: string;
  available: string;
  min_stock: string;
}

/**
 * Each active (not archived, not a service) product's available stock per active warehouse, its
 * variants added up, against its effective minimum there. The alert's entity is the product's first
 * level row in the warehouse (`stock_level`), so alerts are deduplicated per product, warehouse and
 * day. Stock has no owner: the alerts have none, so they reach the tenant-wide roles holding
 * `alerts:read` (admins, national managers, viewers).
 */
async function levelsWhere(tx: Tx, tenantId: string, status: 'low' | 'out'): Promise<Found[]> {
  const settings = await commerceSettingsOf(tx, tenantId);
  const min = sql`coalesce(th.min_stock, p.min_stock, ${settings.defaultMinStock}::numeric)`;
  return selectRows<Found>(
    tx,
    sql`with levels as (
        select sl.tenant_id, sl.product_id, sl.warehouse_id, (array_agg(sl.id order by sl.id))[1] as level_id,
          sum(sl.stock - sl.reserve) as available
        from stock_levels sl where sl.tenant_id = ${tenantId}
        group by sl.tenant_id, sl.product_id, sl.warehouse_id)
      select l.level_id, p.name as product_name, p.code as product_code, w.name as warehouse_name,
        l.available::text as available, ${min}::text as min_stock
      from levels l
      join products p on p.tenant_id = l.tenant_id and p.id = l.product_id and p.archived_at is null and not p.is_service
      join warehouses w on w.tenant_id = l.tenant_id and w.id = l.warehouse_id and w.archived_at is null
      left join stock_thresholds th on th.tenant_id = l.tenant_id and th.product_id = l.product_id
        and th.warehouse_id = l.warehouse_id
      where ${status === 'out' ? sql`l.available <= 0` : sql`l.available > 0 and l.available <= ${min}`}
      order by p.name, w.name`,
  );
}

const alertOf = (f: Found, status: 'low' | 'out'): RaisedAlert => ({
  severity: status === 'out' ? 'high' : 'medium',
  title:
    status === 'out'
      ? `${f.product_name} is out of stock in ${f.warehouse_name}`
      : `${f.product_name} is low in ${f.warehouse_name}`,
  description: `${f.product_code}: available ${qtyText(qty(f.available))}, minimum ${qtyText(qty(f.min_stock))}.`,
  entityType: 'stock_level',
  entityId: f.level_id,
});

export const lowStockCheck: AlertCheck = {
  name: 'commerce.low-stock',
  type: 'low_stock',
  displayName: 'Product stock at or below its minimum (0 < available ≤ min)',
  run: async (tx, { tenantId }) => (await levelsWhere(tx, tenantId, 'low')).map((f) => alertOf(f, 'low')),
};

export const outOfStockCheck: AlertCheck = {
  name: 'commerce.out-of-stock',
  type: 'out_of_stock',
  displayName: 'Product out of stock (available ≤ 0)',
  run: async (tx, { tenantId }) => (await levelsWhere(tx, tenantId, 'out')).map((f) => alertOf(f, 'out')),
};

export const STOCK_ALERT_CHECKS = [lowStockCheck, outOfStockCheck];
