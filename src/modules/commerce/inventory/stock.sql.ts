import { sql, type SQL } from 'drizzle-orm';
import type { AnyPgColumn } from 'drizzle-orm/pg-core';
import type { CommerceSettings } from '../settings/settings.repository.js';

/** The columns of a level-shaped row the expressions below read (a table or an alias). */
export interface LevelColumns {
  tenantId: AnyPgColumn | SQL;
  productId: AnyPgColumn | SQL;
  variantId: AnyPgColumn | SQL;
  warehouseId: AnyPgColumn | SQL;
  stock: AnyPgColumn | SQL;
  reserve: AnyPgColumn | SQL;
  unitCost: AnyPgColumn | SQL;
}

/** The warehouse's threshold for the product, or null. */
export const warehouseMin = (l: LevelColumns): SQL<string | null> =>
  sql`(select th.min_stock from stock_thresholds th where th.tenant_id = ${l.tenantId}
    and th.product_id = ${l.productId} and th.warehouse_id = ${l.warehouseId})`;

/** The product's own minimum (`products.min_stock`), or null. */
export const productMin = (l: LevelColumns): SQL<string | null> =>
  sql`(select p.min_stock from products p where p.tenant_id = ${l.tenantId} and p.id = ${l.productId})`;

/** Effective minimum: the warehouse's threshold ?? the product's minimum ?? the tenant default. */
export const effectiveMin = (l: LevelColumns, settings: CommerceSettings): SQL<string> =>
  sql`coalesce(${warehouseMin(l)}, ${productMin(l)}, ${settings.defaultMinStock}::numeric)`;

export const available = (l: LevelColumns): SQL<string> => sql`(${l.stock} - ${l.reserve})`;

/**
 * `out` when available ≤ 0, `low` when 0 < available ≤ the effective minimum, else `ok`
 * (DESIGN §6, Commerce).
 */
export const stockStatus = (quantity: SQL, min: SQL): SQL<'ok' | 'low' | 'out'> =>
  sql`(case when ${quantity} <= 0 then 'out' when ${quantity} <= ${min} then 'low' else 'ok' end)`;

/** A product's price in a price type (null when the type is not set or the product has no price). */
export const priceIn = (
  tenantId: AnyPgColumn | SQL,
  productId: AnyPgColumn | SQL,
  priceTypeId: string | null,
) =>
  sql<string | null>`(select pp.amount from product_prices pp where pp.tenant_id = ${tenantId}
    and pp.product_id = ${productId} and pp.price_type_id = ${priceTypeId}::uuid)`;

/** What a unit is valued at cost: the level's unit cost, else the buy price (settings), else 0. */
export const unitCostOf = (l: LevelColumns, settings: CommerceSettings): SQL<string> =>
  sql`coalesce(${l.unitCost}, ${priceIn(l.tenantId, l.productId, settings.buyPriceTypeId)}, 0)`;

/** A product folder and every folder under it (materialised path). */
export const inFolderTree = (tenantId: string, productId: AnyPgColumn | SQL, folderId: string): SQL =>
  sql`${productId} in (select p.id from products p where p.tenant_id = ${tenantId} and p.folder_id in (
    select f.id from product_folders f
    join product_folders root on root.tenant_id = f.tenant_id and root.id = ${folderId}
    where f.tenant_id = ${tenantId} and f.path like root.path || '%'))`;
