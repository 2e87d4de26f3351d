import type { Tx } from '../../../platform/db/types.js';
import { AppError, conflict } from '../../../platform/http/errors.js';
import type { JobQueue } from '../../../platform/jobs/types.js';
import { uuidv7 } from '../../../lib/ids.js';
import { tenantSettingsOf } from '../../identity/index.js';
import { localDate } from '../clock.js';
import { queueKpiRefresh } from '../kpi/kpi-refresh.js';
import { appendLedgerEntries, type LedgerEntryInput } from '../ledger/ledger-writer.js';
import { insertHistory, updateLead, type LeadRow } from '../leads/leads.repository.js';
import { money, moneyDiff } from '../money.js';
import type { ConversionOrigin } from '../tables/conversions.tables.js';
import type { LeadStatus } from '../tables/leads.tables.js';
import {
  firstSaleAt,
  insertConversion,
  lockLeadSales,
  updateConversion,
  type ConversionRow,
  type NewConversionRow,
} from './conversions.repository.js';

export type Jobs = Pick<JobQueue, 'send'>;

/** What recording a sale needs of the tenant's settings. */
export interface ConversionSettings {
  currency: string;
  timeZone: string;
  repeatSales: boolean;
  matchDays: number;
  phoneRegion: string;
}

export async function conversionSettings(tx: Tx, tenantId: string): Promise<ConversionSettings> {
  const settings = await tenantSettingsOf(tx, tenantId);
  return {
    currency: settings.currency,
    timeZone: settings.time_zone,
    repeatSales: settings.lead_repeat_sales,
    matchDays: settings.external_sale_match_days,
    phoneRegion: settings.default_phone_region,
  };
}

/** Open leads convert; a converted one takes another sale only with `lead_repeat_sales`. */
export const CONVERTIBLE_STATUSES: readonly LeadStatus[] = ['new', 'contacted', 'qualified'];

/** Why a lead cannot take a sale (a 409 for the API, an unmatched reason for imports), or null. */
export function refusalOf(lead: LeadRow, repeatSales: boolean): AppError | null {
  if (lead.mergedAt)
    return conflict('LEAD_MERGED', 'This lead was merged into its master; record the sale on the master.');
  if (CONVERTIBLE_STATUSES.includes(lead.status)) return null;
  if (lead.status === 'converted')
    return repeatSales
      ? null
      : conflict('LEAD_ALREADY_CONVERTED', 'This lead is already converted and repeat sales are off.');
  return conflict('LEAD_NOT_CONVERTIBLE', `A ${lead.status} lead cannot be converted.`);
}

/** 409 EXTERNAL_SALE_EXISTS naming the conversion that already records the sale. */
export function externalSaleExists(existing: ConversionRow): AppError {
  return new AppError(
    409,
    'EXTERNAL_SALE_EXISTS',
    `Conversion ${existing.id} already records this external sale.`,
    { extensions: { conversion_id: existing.id } },
  );
}

export interface SaleFacts {
  amount: string;
  cost: string;
  currency: string;
  productId: string | null;
  convertedAt: Date;
  notes: string | null;
}

export interface NewSale extends SaleFacts {
  origin: ConversionOrigin;
  externalSystem: string | null;
  externalSaleId: string | null;
  importRunId: string | null;
  by: string | null;
}

function entriesOf(row: ConversionRow) {
  return {
    currency: row.currency,
    agentId: row.agentId,
    outletId: row.outletId,
    campaignId: row.campaignId,
    leadId: row.leadId,
    conversionId: row.id,
  };
}

/** The conversion row of a sale of `lead`: the lead's attribution copied onto the sale. */
export function conversionValues(lead: LeadRow, sale: NewSale): NewConversionRow {
  return {
    tenantId: lead.tenantId,
    id: uuidv7(),
    leadId: lead.id,
    agentId: lead.agentId,
    outletId: lead.outletId,
    campaignId: lead.campaignId,
    sourceId: lead.sourceId,
    productId: sale.productId ?? lead.productId,
    amount: money(sale.amount),
    cost: money(sale.cost),
    currency: sale.currency,
    convertedAt: sale.convertedAt,
    leadCapturedAt: lead.capturedAt,
    origin: sale.origin,
    externalSystem: sale.externalSystem,
    externalSaleId: sale.externalSaleId,
    importRunId: sale.importRunId,
    notes: sale.notes,
    createdBy: sale.by,
  };
}

/** A recorded sale's revenue and cost entries, dated at the sale. */
export function saleLedgerEntries(row: ConversionRow, by: string | null): LedgerEntryInput[] {
  const common = { ...entriesOf(row), occurredAt: row.convertedAt, createdBy: by };
  return [
    { ...common, entryType: 'conversion_revenue', amount: row.amount },
    { ...common, entryType: 'conversion_cost', amount: row.cost },
  ];
}

const localDays = (timeZone: string, instants: (Date | undefined)[]) =>
  instants.flatMap((at) => (at ? [localDate(at, timeZone)] : []));

/**
 * Records a sale of `lead` (locked and checked by the caller) in the caller's transaction: the
 * conversion with the lead's attribution copied, its revenue and cost ledger entries, the lead
 * moved to converted with a history row (unless it already is: a repeat sale), and the KPI days
 * queued: the sale's, and that of the lead's first sale before it when this one, dated earlier,
 * takes its place. Undefined, with nothing written, when the external sale is already recorded.
 */
export async function recordConversion(
  tx: Tx,
  jobs: Jobs,
  settings: ConversionSettings,
  lead: LeadRow,
  sale: NewSale,
): Promise<ConversionRow | undefined> {
  const tenantId = lead.tenantId;
  const firstBefore = await firstSaleAt(tx, tenantId, lead.id);
  const row = await insertConversion(tx, conversionValues(lead, sale));
  if (!row) return undefined;
  if (lead.status !== 'converted') {
    const now = new Date();
    await updateLead(tx, tenantId, lead.id, { status: 'converted', statusChangedAt: now });
    await insertHistory(tx, {
      tenantId,
      leadId: lead.id,
      from: lead.status,
      to: 'converted',
      reason: sale.origin === 'import' ? 'external sale imported' : 'sale recorded',
      by: sale.by ?? lead.agentId,
      at: now,
    });
  }
  await appendLedgerEntries(tx, tenantId, saleLedgerEntries(row, sale.by));
  await queueKpiRefresh(
    jobs,
    tx,
    tenantId,
    localDays(settings.timeZone, [
      row.convertedAt,
      firstBefore && row.convertedAt < firstBefore ? firstBefore : undefined,
    ]),
  );
  return row;
}

/** Whether `next` differs from what the conversion stores. */
export function saleChanged(row: ConversionRow, next: SaleFacts): boolean {
  return (
    money(next.amount) !== row.amount ||
    money(next.cost) !== row.cost ||
    next.productId !== row.productId ||
    next.convertedAt.getTime() !== row.convertedAt.getTime() ||
    next.notes !== row.notes
  );
}

/**
 * Corrects a conversion: the row takes the new facts and the ledger gets entries carrying the
 * difference (never an edit). A moved sale time moves the money: the old amounts leave the old
 * time (negative entries) and the new ones land on the new time. KPI days of both times are queued,
 * and, when the move changes which of the lead's sales is its first (the one counting the lead as
 * converted), the days of its first sale before and after.
 */
export async function correctConversion(
  tx: Tx,
  jobs: Jobs,
  settings: ConversionSettings,
  before: ConversionRow,
  next: SaleFacts,
  by: string | null,
): Promise<ConversionRow> {
  const moved = next.convertedAt.getTime() !== before.convertedAt.getTime();
  // Sales of one lead are moved one transaction at a time, so each sees the others' dates.
  if (moved) await lockLeadSales(tx, before.tenantId, before.leadId);
  const firstBefore = moved ? await firstSaleAt(tx, before.tenantId, before.leadId) : undefined;
  const row = await updateConversion(tx, before.tenantId, before.id, {
    amount: money(next.amount),
    cost: money(next.cost),
    productId: next.productId,
    convertedAt: next.convertedAt,
    notes: next.notes,
  });
  const firstAfter = moved ? await firstSaleAt(tx, before.tenantId, before.leadId) : undefined;
  const common = { ...entriesOf(row), createdBy: by, reason: 'conversion corrected' };
  const entries: LedgerEntryInput[] = [];
  for (const [entryType, field] of [
    ['conversion_revenue', 'amount'],
    ['conversion_cost', 'cost'],
  ] as const) {
    if (moved) {
      entries.push({
        ...common,
        entryType,
        occurredAt: before.convertedAt,
        amount: moneyDiff('0', before[field]),
      });
      entries.push({ ...common, entryType, occurredAt: row.convertedAt, amount: row[field] });
    } else {
      entries.push({
        ...common,
        entryType,
        occurredAt: row.convertedAt,
        amount: moneyDiff(row[field], before[field]),
      });
    }
  }
  await appendLedgerEntries(tx, before.tenantId, entries);
  // A moved sale moves its conversion count and time to convert as well as its money, so both
  // days are refreshed even when no amount changes (a zero sale moves nothing in the ledger).
  if (moved || entries.some((e) => e.amount !== '0.00'))
    await queueKpiRefresh(
      jobs,
      tx,
      before.tenantId,
      localDays(settings.timeZone, [before.convertedAt, row.convertedAt, firstBefore, firstAfter]),
    );
  return row;
}
