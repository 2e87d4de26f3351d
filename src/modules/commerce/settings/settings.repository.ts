import { eq } from 'drizzle-orm';
import type { Tx } from '../../../platform/db/types.js';
import { commerceSettings } from '../tables/inventory.tables.js';

/** The commerce rules of a tenant; a tenant without a stored row has the defaults. */
export interface CommerceSettings {
  allowNegativeStock: boolean;
  defaultMinStock: string;
  buyPriceTypeId: string | null;
  salePriceTypeId: string | null;
  coverWindowDays: number;
  deadStockDays: number;
}

export const DEFAULT_COMMERCE_SETTINGS: CommerceSettings = {
  allowNegativeStock: false,
  defaultMinStock: '10.000',
  buyPriceTypeId: null,
  salePriceTypeId: null,
  coverWindowDays: 30,
  deadStockDays: 90,
};

/** The tenant's commerce settings (defaults where no row is stored), in the caller's transaction. */
export async function commerceSettingsOf(tx: Tx, tenantId: string): Promise<CommerceSettings> {
  const [row] = await tx.db.select().from(commerceSettings).where(eq(commerceSettings.tenantId, tenantId));
  if (!row) return { ...DEFAULT_COMMERCE_SETTINGS };
  return {
    allowNegativeStock: row.allowNegativeStock,
    defaultMinStock: row.defaultMinStock,
    buyPriceTypeId: row.buyPriceTypeId,
    salePriceTypeId: row.salePriceTypeId,
    coverWindowDays: row.coverWindowDays,
    deadStockDays: row.deadStockDays,
  };
}

/** Stores the whole settings row (insert or replace). */
export async function saveCommerceSettings(
  tx: Tx,
  tenantId: string,
  settings: CommerceSettings,
): Promise<void> {
  await tx.db
    .insert(commerceSettings)
    .values({ tenantId, ...settings })
    .onConflictDoUpdate({
      target: commerceSettings.tenantId,
      set: { ...settings, updatedAt: new Date() },
    });
}
