import { and, desc, eq, isNull, sql } from 'drizzle-orm';
import type { ImportContext, ImportServices, ReadyRow, WriteCounts } from '../../../platform/bulk/index.js';
import type { Tx } from '../../../platform/db/types.js';
import { writeAudit } from '../../identity/index.js';
import { importAuditSource } from '../import-context.js';
import { leadByClientUuid, type LeadRow } from '../leads/leads.repository.js';
import { leads } from '../tables/leads.tables.js';
import {
  externalSaleImportRows,
  type ExternalSaleRowStatus,
  type UnmatchedReason,
} from '../tables/external-sales.tables.js';
import {
  conversionSettings,
  correctConversion,
  recordConversion,
  refusalOf,
  saleChanged,
  type ConversionSettings,
} from './conversion-writer.js';
import { conversionByExternalId, toConversionJson } from './conversions.repository.js';

/** A checked row of an external sales file (JSON: all-or-nothing runs stage it). */
export interface ExternalSale {
  system: string;
  saleId: string;
  outletId: string | null;
  agentId: string | null;
  convertedAt: string;
  /** The file gave a day, not a time: leads captured later that day still match. */
  dayOnly: boolean;
  amount: string;
  cost: string | null;
  currency: string | null;
  phone: string | null;
  leadUuid: string | null;
}

const DAY_MS = 86_400_000;

/**
 * The lead a sale by phone belongs to: not merged, same normalised phone, captured within
 * `matchDays` before the sale (up to the sale's end of day when the file gave only a day),
 * preferring one captured at the sale's outlet, then the latest captured. Locked for the write.
 */
async function leadByPhone(tx: Tx, tenantId: string, sale: ExternalSale, matchDays: number) {
  const at = new Date(sale.convertedAt);
  const until = new Date(at.getTime() + (sale.dayOnly ? DAY_MS : 0));
  const since = new Date(at.getTime() - matchDays * DAY_MS);
  const sameOutletFirst = sale.outletId
    ? [sql`(${leads.outletId} is not distinct from ${sale.outletId}::uuid) desc`]
    : [];
  const [row] = await tx.db
    .select()
    .from(leads)
    .where(
      and(
        eq(leads.tenantId, tenantId),
        eq(leads.phone, sale.phone!),
        isNull(leads.mergedAt),
        sql`${leads.capturedAt} between ${since.toISOString()}::timestamptz and ${until.toISOString()}::timestamptz`,
      ),
    )
    .orderBy(...sameOutletFirst, desc(leads.capturedAt), desc(leads.id))
    .limit(1)
    .for('update');
  return row;
}

async function lockedLead(tx: Tx, lead: LeadRow | undefined) {
  if (!lead) return undefined;
  const [row] = await tx.db
    .select()
    .from(leads)
    .where(and(eq(leads.tenantId, lead.tenantId), eq(leads.id, lead.id)))
    .for('update');
  return row;
}

type Outcome = {
  status: ExternalSaleRowStatus;
  reason?: UnmatchedReason;
  leadId?: string;
  conversionId?: string;
};

/** Updates the conversion already recording the sale; a changed amount gets ledger corrections. */
async function updateExisting(
  tx: Tx,
  input: WriteInput,
  settings: ConversionSettings,
  sale: ExternalSale,
  columns: ReadonlySet<string>,
): Promise<Outcome | undefined> {
  const existing = await conversionByExternalId(tx, input.ctx.tenantId, sale.system, sale.saleId, true);
  if (!existing) return undefined;
  const next = {
    amount: sale.amount,
    cost: columns.has('cost_amount') ? (sale.cost ?? '0') : existing.cost,
    currency: existing.currency,
    productId: existing.productId,
    convertedAt: new Date(sale.convertedAt),
    notes: existing.notes,
  };
  const ids = { leadId: existing.leadId, conversionId: existing.id };
  if (!saleChanged(existing, next)) return { status: 'unchanged', ...ids };
  const row = await correctConversion(tx, input.services.jobs, settings, existing, next, input.ctx.userId);
  await writeAudit(tx, importAuditSource(input.ctx), {
    tenantId: input.ctx.tenantId,
    action: 'conversion.update',
    entityType: 'conversion',
    entityId: row.id,
    changes: {
      before: {
        amount: existing.amount,
        cost: existing.cost,
        converted_at: existing.convertedAt.toISOString(),
      },
      after: {
        amount: row.amount,
        cost: row.cost,
        converted_at: row.convertedAt.toISOString(),
        import_run_id: input.runId,
      },
    },
  });
  return { status: 'updated', ...ids };
}

/** Matches the sale to a lead and records it as a conversion, or says why no lead takes it. */
async function createNew(
  tx: Tx,
  input: WriteInput,
  settings: ConversionSettings,
  sale: ExternalSale,
): Promise<Outcome> {
  const tenantId = input.ctx.tenantId;
  const lead = sale.leadUuid
    ? await lockedLead(tx, await leadByClientUuid(tx, tenantId, sale.leadUuid))
    : await leadByPhone(tx, tenantId, sale, settings.matchDays);
  if (!lead)
    return { status: 'unmatched', reason: sale.leadUuid ? 'lead_uuid_unknown' : 'no_lead_with_phone' };
  if (refusalOf(lead, settings.repeatSales))
    return { status: 'unmatched', reason: 'lead_not_convertible', leadId: lead.id };
  const row = await recordConversion(tx, input.services.jobs, settings, lead, {
    amount: sale.amount,
    cost: sale.cost ?? '0',
    currency: sale.currency ?? settings.currency,
    productId: null,
    convertedAt: new Date(sale.convertedAt),
    notes: null,
    origin: 'import',
    externalSystem: sale.system,
    externalSaleId: sale.saleId,
    importRunId: input.runId,
    by: input.ctx.userId,
  });
  // Another writer recorded the sale since this chunk looked: the chunk rolls back and is retried.
  if (!row) throw new Error(`External sale ${sale.system}/${sale.saleId} was recorded concurrently`);
  const { created_at: _c, updated_at: _u, ...after } = toConversionJson(row);
  await writeAudit(tx, importAuditSource(input.ctx), {
    tenantId,
    action: 'conversion.create',
    entityType: 'conversion',
    entityId: row.id,
    changes: { after },
  });
  return { status: 'created', leadId: lead.id, conversionId: row.id };
}

interface WriteInput {
  ctx: ImportContext;
  rows: ReadyRow<ExternalSale>[];
  columns: ReadonlySet<string>;
  services: ImportServices;
  runId: string;
}

/**
 * Writes a chunk in file order (an earlier row converts a lead before a later one looks at it):
 * an external id already recorded updates its conversion, otherwise the row is matched to a lead.
 * Every row leaves a record of what happened to it; unmatched rows count as unchanged for the
 * engine, whose counters know nothing of matching.
 */
export async function writeExternalSales(tx: Tx, input: WriteInput): Promise<WriteCounts> {
  const settings = await conversionSettings(tx, input.ctx.tenantId);
  const counts: WriteCounts = { created: 0, updated: 0, unchanged: 0 };
  const records: (typeof externalSaleImportRows.$inferInsert)[] = [];
  for (const { rowNumber, value: sale } of input.rows) {
    const outcome =
      (await updateExisting(tx, input, settings, sale, input.columns)) ??
      (await createNew(tx, input, settings, sale));
    if (outcome.status === 'created') counts.created++;
    else if (outcome.status === 'updated') counts.updated++;
    else counts.unchanged++;
    records.push({
      tenantId: input.ctx.tenantId,
      importRunId: input.runId,
      rowNumber,
      externalSystem: sale.system,
      externalSaleId: sale.saleId,
      status: outcome.status,
      reason: outcome.reason ?? null,
      leadId: outcome.leadId ?? null,
      conversionId: outcome.conversionId ?? null,
    });
  }
  if (records.length) await tx.db.insert(externalSaleImportRows).values(records).onConflictDoNothing();
  return counts;
}
