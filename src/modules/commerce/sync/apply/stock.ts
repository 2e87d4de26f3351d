import { resolveExternalIds } from '../../../catalog/index.js';
import { setStockLevels } from '../../inventory/index.js';
import type { RowFailure, StockRecord } from '../../integrations/provider.js';
import { REF_TYPES, zeroCounts, type ApplyResult, type ApplyTarget } from './context.js';

/**
 * A page of the ERP's current-stock report: absolute figures per product (or variant) and store,
 * set through the inventory service (which records the difference as a `sync` movement). A row
 * naming a product, variant or store never synced is a failure of that row, and so is a row of a
 * product marked a service here (a service keeps no stock).
 */
export async function applyStock(
  target: ApplyTarget,
  records: readonly StockRecord[],
  moment: Date,
): Promise<ApplyResult> {
  const counts = zeroCounts();
  const failures: RowFailure[] = [];
  if (!records.length) return { counts, failures };
  const source = { tenantId: target.tenantId, provider: target.provider };
  const resolve = (type: string, ids: Iterable<string>) => resolveExternalIds(target.tx, source, type, ids);
  const products = await resolve(
    REF_TYPES.product,
    records.map((r) => r.productExternalId),
  );
  const variants = await resolve(
    REF_TYPES.variant,
    records.flatMap((r) => (r.variantExternalId ? [r.variantExternalId] : [])),
  );
  const stores = await resolve(
    REF_TYPES.store,
    records.map((r) => r.storeExternalId),
  );
  const rows = [];
  for (const r of records) {
    const productId = products.get(r.productExternalId);
    const variantId = r.variantExternalId ? variants.get(r.variantExternalId) : null;
    const warehouseId = stores.get(r.storeExternalId);
    const id = r.variantExternalId ?? r.productExternalId;
    const missing = !productId
      ? `product ${r.productExternalId}`
      : variantId === undefined
        ? `variant ${r.variantExternalId}`
        : !warehouseId
          ? `store ${r.storeExternalId}`
          : null;
    if (missing) {
      failures.push({
        externalId: id,
        reason: `stock row of ${id} in ${r.storeExternalId}: ${missing} is not synced`,
      });
      counts.failed++;
      continue;
    }
    rows.push({
      productId: productId!,
      variantId: variantId ?? null,
      warehouseId: warehouseId!,
      stock: r.stock,
      reserve: r.reserve,
      inTransit: r.inTransit,
      unitCost: r.unitCost ?? null,
      externalId: id,
      storeExternalId: r.storeExternalId,
    });
  }
  const { changed, services } = await setStockLevels(target.tx, target.tenantId, rows, moment);
  const serviceRows = rows.filter((row) => services.has(row.productId));
  for (const { externalId, storeExternalId } of serviceRows) {
    failures.push({
      externalId,
      reason: `stock row of ${externalId} in ${storeExternalId}: the product is a service here, which keeps no stock`,
    });
    counts.failed++;
  }
  counts.updated += changed;
  counts.unchanged += rows.length - serviceRows.length - changed;
  return { counts, failures };
}
