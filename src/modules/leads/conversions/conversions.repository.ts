import { and, asc, eq } from 'drizzle-orm';
import type { Tx } from '../../../platform/db/types.js';
import { defineResource } from '../../../platform/resource/index.js';
import { conversions } from '../tables/conversions.tables.js';
import { leads } from '../tables/leads.tables.js';
import type { Conversion } from './conversions.schemas.js';

export type ConversionRow = typeof conversions.$inferSelect;
export type NewConversionRow = typeof conversions.$inferInsert;

/** A conversion belongs to its agent (copied from the lead): the caller's data scope applies. */
export const conversionResource = defineResource({
  table: conversions,
  name: 'Conversion',
  tenantId: conversions.tenantId,
  id: conversions.id,
  owner: conversions.agentId,
  sorts: {
    converted_at: conversions.convertedAt,
    created_at: conversions.createdAt,
    amount: conversions.amount,
  },
});

export const toConversionJson = (row: ConversionRow): Conversion => ({
  id: row.id,
  lead_id: row.leadId,
  agent_id: row.agentId,
  outlet_id: row.outletId,
  campaign_id: row.campaignId,
  source_id: row.sourceId,
  product_id: row.productId,
  amount: row.amount,
  cost: row.cost,
  currency: row.currency,
  converted_at: row.convertedAt.toISOString(),
  lead_captured_at: row.leadCapturedAt.toISOString(),
  origin: row.origin,
  external_system: row.externalSystem,
  external_sale_id: row.externalSaleId,
  import_run_id: row.importRunId,
  notes: row.notes,
  created_by: row.createdBy,
  created_at: row.createdAt.toISOString(),
  updated_at: row.updatedAt.toISOString(),
});

/** The conversion recorded for an external sale, tenant-wide (the key is unique per tenant). */
export async function conversionByExternalId(
  tx: Tx,
  tenantId: string,
  system: string,
  saleId: string,
  lock = false,
): Promise<ConversionRow | undefined> {
  const query = tx.db
    .select()
    .from(conversions)
    .where(
      and(
        eq(conversions.tenantId, tenantId),
        eq(conversions.externalSystem, system),
        eq(conversions.externalSaleId, saleId),
      ),
    );
  const [row] = lock ? await query.for('update') : await query;
  return row;
}

/** Inserts unless the external sale is already recorded (a concurrent write won): undefined then. */
export async function insertConversion(tx: Tx, values: NewConversionRow) {
  const [row] = await tx.db.insert(conversions).values(values).onConflictDoNothing().returning();
  return row;
}

export async function updateConversion(
  tx: Tx,
  tenantId: string,
  id: string,
  values: Partial<NewConversionRow>,
): Promise<ConversionRow> {
  const [row] = await tx.db
    .update(conversions)
    .set({ ...values, updatedAt: new Date() })
    .where(and(eq(conversions.tenantId, tenantId), eq(conversions.id, id)))
    .returning();
  return row!;
}

/**
 * When the lead's first sale was made (earliest converted_at, then id): the sale that counts the
 * lead as converted in the KPIs. Undefined for a lead without sales.
 */
export async function firstSaleAt(tx: Tx, tenantId: string, leadId: string): Promise<Date | undefined> {
  const [row] = await tx.db
    .select({ at: conversions.convertedAt })
    .from(conversions)
    .where(and(eq(conversions.tenantId, tenantId), eq(conversions.leadId, leadId)))
    .orderBy(asc(conversions.convertedAt), asc(conversions.id))
    .limit(1);
  return row?.at;
}

/** Locks the lead's row so that its sales are re-dated one transaction at a time. */
export async function lockLeadSales(tx: Tx, tenantId: string, leadId: string): Promise<void> {
  await tx.db
    .select({ id: leads.id })
    .from(leads)
    .where(and(eq(leads.tenantId, tenantId), eq(leads.id, leadId)))
    .for('no key update');
}
