import { and, eq, getTableColumns, sql } from 'drizzle-orm';
import { selectRows } from '../../../platform/db/rows.js';
import type { TenantDatabase, Tx } from '../../../platform/db/types.js';
import { validationFailed, type FieldError } from '../../../platform/http/errors.js';
import { tenantTxOf, type CallContext } from '../../../platform/resource/index.js';
import { writeAudit } from '../../identity/index.js';
import { commerceSettingsOf } from '../settings/settings.repository.js';
import { stockMovements } from '../tables/inventory.tables.js';
import { qty, qtyText } from './decimal.js';
import type { AdjustmentBody, AdjustmentResult } from './inventory.schemas.js';
import { applyStockChange, levelKeyOf, lockLevels } from './levels.js';
import { movementFields, toMovementJson } from './movements.service.js';
import { readStockRow } from './stock.service.js';
import { uuidv7 } from '../../../lib/ids.js';

/**
 * 422 naming each reference of the body that is not the tenant's (a variant must be the product's),
 * and a service: it keeps no stock (its document lines move none), so there is nothing to adjust.
 */
async function checkReferences(tx: Tx, tenantId: string, body: AdjustmentBody): Promise<void> {
  // The product's `is_service`: null when there is no such product.
  const [row] = await selectRows<{ service: boolean | null; warehouse: boolean; variant: boolean }>(
    tx,
    sql`select (select is_service from products where tenant_id = ${tenantId} and id = ${body.product_id}) as service,
      exists (select 1 from warehouses where tenant_id = ${tenantId} and id = ${body.warehouse_id}) as warehouse,
      ${
        body.variant_id
          ? sql`exists (select 1 from product_variants where tenant_id = ${tenantId} and id = ${body.variant_id}
              and product_id = ${body.product_id})`
          : sql`true`
      } as variant`,
  );
  const errors: FieldError[] = [];
  if (row?.service == null) errors.push({ path: '/body/product_id', message: 'no such product' });
  if (row?.service) errors.push({ path: '/body/product_id', message: 'is a service, which keeps no stock' });
  if (!row?.warehouse) errors.push({ path: '/body/warehouse_id', message: 'no such warehouse' });
  if (!row?.variant) errors.push({ path: '/body/variant_id', message: 'no such variant of the product' });
  if (errors.length) throw validationFailed(errors, 'Unknown reference.');
}

/**
 * Stock counted or corrected by hand (tenants without an ERP): a signed `quantity` change, or the
 * `new_count` found on the shelf (the change is its difference from the stock). One `adjustment`
 * movement and the level are written in one transaction; a change leaving stock below zero follows
 * the tenant's negative-stock rule. A count equal to the stock writes nothing.
 */
export function createAdjustmentsService(deps: { db: TenantDatabase }) {
  const tenantTx = tenantTxOf(deps);
  return {
    create: (ctx: CallContext, body: AdjustmentBody): Promise<AdjustmentResult> =>
      tenantTx(ctx, async (tx) => {
        const given = (body.quantity !== undefined ? 1 : 0) + (body.new_count !== undefined ? 1 : 0);
        if (given !== 1)
          throw validationFailed([
            { path: '/body/quantity', message: 'give exactly one of quantity and new_count' },
          ]);
        if (body.quantity !== undefined && qty(body.quantity) === 0n)
          throw validationFailed([{ path: '/body/quantity', message: 'must not be zero' }]);
        await checkReferences(tx, ctx.tenantId, body);
        const key = {
          productId: body.product_id,
          variantId: body.variant_id ?? null,
          warehouseId: body.warehouse_id,
        };
        const { levels } = await lockLevels(tx, ctx.tenantId, [key]);
        const level = levels.get(levelKeyOf(key))!;
        const change =
          body.quantity !== undefined ? qty(body.quantity) : qty(body.new_count!) - qty(level.stock);
        const settings = await commerceSettingsOf(tx, ctx.tenantId);
        const moment = new Date();
        const movementId = uuidv7();
        await applyStockChange(tx, ctx.tenantId, {
          deltas: [{ ...key, stock: change, reserve: 0n, inTransit: 0n }],
          movements: [
            {
              ...key,
              id: movementId,
              moment,
              quantity: change,
              kind: 'adjustment',
              reason: body.reason,
              createdBy: ctx.principal.userId,
            },
          ],
          forbidNegative: !settings.allowNegativeStock,
        });
        let movement = null;
        if (change !== 0n) {
          const [row] = await tx.db
            .select({ ...tableColumns, ...movementFields })
            .from(stockMovements)
            // The movement this request wrote, by its id (another count of the level may have
            // committed a movement meanwhile).
            .where(and(eq(stockMovements.tenantId, ctx.tenantId), eq(stockMovements.id, movementId)));
          movement = toMovementJson(row!);
          await writeAudit(tx, ctx.audit, {
            tenantId: ctx.tenantId,
            action: 'stock.adjust',
            entityType: 'stock_level',
            entityId: level.id,
            changes: {
              before: { stock: qtyText(qty(level.stock)) },
              after: { stock: qtyText(qty(level.stock) + change), reason: body.reason },
            },
          });
        }
        return { movement, level: await readStockRow(tx, ctx, level.id) };
      }),
  };
}

const tableColumns = getTableColumns(stockMovements);
