import { eq, gte, lte, sql } from 'drizzle-orm';
import type { TenantDatabase } from '../../../platform/db/types.js';
import { validationFailed } from '../../../platform/http/errors.js';
import { defineResource, envelope, tenantTxOf, type CallContext } from '../../../platform/resource/index.js';
import { stockMovements } from '../tables/inventory.tables.js';
import { qty, qtyText } from './decimal.js';
import type { Movement, MovementListQuery } from './inventory.schemas.js';

export const movementResource = defineResource({
  table: stockMovements,
  name: 'Stock movement',
  tenantId: stockMovements.tenantId,
  id: stockMovements.id,
  sorts: { moment: stockMovements.moment, created_at: stockMovements.createdAt },
  // Append-only and large: offset pages count only when asked.
  countsTotal: false,
});

const m = stockMovements;
export const movementFields = {
  productCode: sql<string>`(select p.code from products p where p.tenant_id = ${m.tenantId} and p.id = ${m.productId})`,
  productName: sql<string>`(select p.name from products p where p.tenant_id = ${m.tenantId} and p.id = ${m.productId})`,
};

type MovementRow = typeof stockMovements.$inferSelect & { productCode: string; productName: string };

export const toMovementJson = (r: MovementRow): Movement => ({
  id: r.id,
  product_id: r.productId,
  product_code: r.productCode,
  product_name: r.productName,
  variant_id: r.variantId,
  warehouse_id: r.warehouseId,
  moment: r.moment.toISOString(),
  quantity: qtyText(qty(r.quantity)),
  kind: r.kind,
  document_id: r.documentId,
  reason: r.reason,
  created_by: r.createdBy,
  created_at: r.createdAt.toISOString(),
});

export function createMovementsService(deps: { db: TenantDatabase }) {
  const tenantTx = tenantTxOf(deps);
  return {
    list: (ctx: CallContext, query: MovementListQuery) =>
      tenantTx(ctx, async (tx) => {
        if (query.from && query.to && new Date(query.to) < new Date(query.from))
          throw validationFailed([{ path: '/query/to', message: 'must not be before from' }]);
        const page = await movementResource.list<MovementRow>(tx, ctx, query, {
          where: [
            query.product_id ? eq(m.productId, query.product_id) : undefined,
            query.warehouse_id ? eq(m.warehouseId, query.warehouse_id) : undefined,
            query.document_id ? eq(m.documentId, query.document_id) : undefined,
            query.kind ? eq(m.kind, query.kind) : undefined,
            query.from ? gte(m.moment, new Date(query.from)) : undefined,
            query.to ? lte(m.moment, new Date(query.to)) : undefined,
          ],
          fields: movementFields,
        });
        return envelope('movements', page, toMovementJson);
      }),
  };
}
