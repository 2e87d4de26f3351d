import { and, eq, sql } from 'drizzle-orm';
import { selectRows } from '../../../platform/db/rows.js';
import type { TenantDatabase, Tx } from '../../../platform/db/types.js';
import { notFound } from '../../../platform/http/errors.js';
import { defineResource, envelope, tenantTxOf, type CallContext } from '../../../platform/resource/index.js';
import { diff, writeAudit } from '../../identity/index.js';
import { stockThresholds } from '../tables/inventory.tables.js';
import { qty, qtyText } from './decimal.js';
import type { Threshold, ThresholdBody, ThresholdListQuery, ThresholdParams } from './inventory.schemas.js';

export const thresholdResource = defineResource({
  table: stockThresholds,
  name: 'Threshold',
  tenantId: stockThresholds.tenantId,
  id: stockThresholds.id,
  sorts: { created_at: stockThresholds.createdAt, updated_at: stockThresholds.updatedAt },
});

const toThresholdJson = (r: typeof stockThresholds.$inferSelect): Threshold => ({
  id: r.id,
  product_id: r.productId,
  warehouse_id: r.warehouseId,
  min_stock: qtyText(qty(r.minStock)),
  created_at: r.createdAt.toISOString(),
  updated_at: r.updatedAt.toISOString(),
});

/** 404 unless the product and the warehouse are the tenant's. */
async function checkPair(tx: Tx, tenantId: string, p: ThresholdParams): Promise<void> {
  const [row] = await selectRows<{ product: boolean; warehouse: boolean }>(
    tx,
    sql`select exists (select 1 from products where tenant_id = ${tenantId} and id = ${p.product_id}) as product,
      exists (select 1 from warehouses where tenant_id = ${tenantId} and id = ${p.warehouse_id}) as warehouse`,
  );
  if (!row?.product) throw notFound('Product');
  if (!row.warehouse) throw notFound('Warehouse');
}

const pairWhere = (tenantId: string, p: ThresholdParams) =>
  and(
    eq(stockThresholds.tenantId, tenantId),
    eq(stockThresholds.productId, p.product_id),
    eq(stockThresholds.warehouseId, p.warehouse_id),
  );

/** Minimum stock of a product in one warehouse, overriding the product's minimum and the default there. */
export function createThresholdsService(deps: { db: TenantDatabase }) {
  const tenantTx = tenantTxOf(deps);
  return {
    list: (ctx: CallContext, query: ThresholdListQuery) =>
      tenantTx(ctx, async (tx) => {
        const page = await thresholdResource.list(tx, ctx, query, {
          where: [
            query.product_id ? eq(stockThresholds.productId, query.product_id) : undefined,
            query.warehouse_id ? eq(stockThresholds.warehouseId, query.warehouse_id) : undefined,
          ],
        });
        return envelope('thresholds', page, toThresholdJson);
      }),

    get: (ctx: CallContext, p: ThresholdParams) =>
      tenantTx(ctx, async (tx) => {
        const [row] = await tx.db.select().from(stockThresholds).where(pairWhere(ctx.tenantId, p));
        if (!row) throw notFound('Threshold');
        return toThresholdJson(row);
      }),

    /** Sets (creates or replaces) the threshold of a product in a warehouse. */
    put: (ctx: CallContext, p: ThresholdParams, body: ThresholdBody) =>
      tenantTx(ctx, async (tx) => {
        await checkPair(tx, ctx.tenantId, p);
        const [before] = await tx.db.select().from(stockThresholds).where(pairWhere(ctx.tenantId, p));
        const minStock = qtyText(qty(body.min_stock));
        const [row] = await tx.db
          .insert(stockThresholds)
          .values({ tenantId: ctx.tenantId, productId: p.product_id, warehouseId: p.warehouse_id, minStock })
          .onConflictDoUpdate({
            target: [stockThresholds.tenantId, stockThresholds.productId, stockThresholds.warehouseId],
            set: { minStock, updatedAt: new Date() },
          })
          .returning();
        await writeAudit(tx, ctx.audit, {
          tenantId: ctx.tenantId,
          action: before ? 'stock_threshold.update' : 'stock_threshold.create',
          entityType: 'stock_threshold',
          entityId: row!.id,
          changes: diff(before ? { min_stock: qtyText(qty(before.minStock)) } : {}, {
            product_id: p.product_id,
            warehouse_id: p.warehouse_id,
            min_stock: minStock,
          }),
        });
        return toThresholdJson(row!);
      }),

    remove: (ctx: CallContext, p: ThresholdParams) =>
      tenantTx(ctx, async (tx) => {
        const [row] = await tx.db.delete(stockThresholds).where(pairWhere(ctx.tenantId, p)).returning();
        if (!row) throw notFound('Threshold');
        await writeAudit(tx, ctx.audit, {
          tenantId: ctx.tenantId,
          action: 'stock_threshold.delete',
          entityType: 'stock_threshold',
          entityId: row.id,
        });
      }),
  };
}
