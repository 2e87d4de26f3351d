import type { Tx } from '../../../platform/db/types.js';
import { money, moneyText, qty, qtyText } from './decimal.js';
import {
  insertMovements,
  levelKeyOf,
  lockLevels,
  servicesAmong,
  updateLevels,
  type MovementInput,
} from './levels.js';

/** One row of an ERP stock report: absolute figures of a level. */
export interface StockReportRow {
  productId: string;
  variantId?: string | null;
  warehouseId: string;
  stock: string;
  reserve: string;
  inTransit: string;
  /** The ERP's cost price; null or absent keeps the stored one. */
  unitCost?: string | null;
}

/**
 * Sets absolute figures from an ERP stock report, in the caller's transaction. The difference
 * between the reported and the local stock is written as a `sync` movement at `moment`, so the
 * movements keep adding up to the stock; reserve, in transit and unit cost are replaced. A row whose
 * figures are already the stored ones writes nothing (repeating a report is a no-op). Negative stock
 * is taken as reported. A row of a service is left out: a service keeps no stock (as in MoySklad,
 * whose stock reports carry none), and a product marked a service here has no level to set.
 * Returns how many levels changed (created ones included) and the services left out.
 */
export async function setStockLevels(
  tx: Tx,
  tenantId: string,
  rows: readonly StockReportRow[],
  moment: Date,
): Promise<{ changed: number; services: Set<string> }> {
  const services = await servicesAmong(
    tx,
    tenantId,
    rows.map((r) => r.productId),
  );
  const byKey = new Map(
    rows
      .filter((r) => !services.has(r.productId))
      .map((r) => {
        const key = { productId: r.productId, variantId: r.variantId ?? null, warehouseId: r.warehouseId };
        return [levelKeyOf(key), { ...r, ...key }];
      }),
  );
  if (!byKey.size) return { changed: 0, services };
  const { levels, created } = await lockLevels(tx, tenantId, [...byKey.values()]);
  const updates: Parameters<typeof updateLevels>[2][number][] = [];
  const movements: MovementInput[] = [];
  for (const [key, row] of byKey) {
    const level = levels.get(key)!;
    const stock = qty(row.stock);
    const reserve = qty(row.reserve);
    const inTransit = qty(row.inTransit);
    const unitCost = row.unitCost == null ? undefined : moneyText(money(row.unitCost));
    const difference = stock - qty(level.stock);
    const same =
      difference === 0n &&
      reserve === qty(level.reserve) &&
      inTransit === qty(level.inTransit) &&
      (unitCost === undefined || (level.unitCost !== null && money(level.unitCost) === money(unitCost)));
    if (same && !created.has(key)) continue;
    const moved = difference !== 0n && (!level.lastMovementAt || level.lastMovementAt < moment);
    updates.push({
      id: level.id,
      stock: qtyText(stock),
      reserve: qtyText(reserve < 0n ? 0n : reserve),
      inTransit: qtyText(inTransit < 0n ? 0n : inTransit),
      last: (moved ? moment : level.lastMovementAt)?.toISOString() ?? null,
      unitCost,
    });
    if (difference !== 0n)
      movements.push({
        productId: row.productId,
        variantId: row.variantId,
        warehouseId: row.warehouseId,
        moment,
        quantity: difference,
        kind: 'sync',
        reason: 'ERP stock report',
      });
  }
  await updateLevels(tx, tenantId, updates);
  await insertMovements(tx, tenantId, movements);
  return { changed: updates.length, services };
}
