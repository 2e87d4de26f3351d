import type { Tx } from '../../../platform/db/types.js';
import { ledgerEntries, type LedgerComponent, type LedgerEntryType } from '../tables/conversions.tables.js';

/** One financial event to record; the component follows from the type except for adjustments. */
export interface LedgerEntryInput {
  /** Set when the caller reads the entry back (an adjustment answers with it). */
  id?: string;
  entryType: LedgerEntryType;
  /** Required for adjustments; the other types count towards their own component. */
  component?: LedgerComponent;
  /** Signed decimal string with at most two decimals. */
  amount: string;
  currency: string;
  occurredAt: Date;
  agentId?: string | null;
  outletId?: string | null;
  campaignId?: string | null;
  leadId?: string | null;
  conversionId?: string | null;
  bonusRunId?: string | null;
  bonusItemId?: string | null;
  reason?: string | null;
  createdBy?: string | null;
}

const COMPONENT_OF: Record<Exclude<LedgerEntryType, 'adjustment'>, LedgerComponent> = {
  conversion_revenue: 'revenue',
  conversion_cost: 'cost',
  bonus_accrual: 'bonus',
  payout: 'payout',
};

/**
 * Appends entries to the ledger inside the caller's transaction (the only way entries are written:
 * the table is append-only for the app role). Entries of zero are skipped: they record nothing.
 */
export async function appendLedgerEntries(tx: Tx, tenantId: string, entries: readonly LedgerEntryInput[]) {
  const rows = entries
    .filter((e) => Number(e.amount) !== 0)
    .map((e) => {
      const component = e.entryType === 'adjustment' ? e.component : COMPONENT_OF[e.entryType];
      if (!component) throw new Error('A ledger adjustment needs the component it corrects');
      return {
        ...(e.id ? { id: e.id } : {}),
        tenantId,
        entryType: e.entryType,
        component,
        amount: e.amount,
        currency: e.currency,
        occurredAt: e.occurredAt,
        agentId: e.agentId ?? null,
        outletId: e.outletId ?? null,
        campaignId: e.campaignId ?? null,
        leadId: e.leadId ?? null,
        conversionId: e.conversionId ?? null,
        bonusRunId: e.bonusRunId ?? null,
        bonusItemId: e.bonusItemId ?? null,
        reason: e.reason ?? null,
        createdBy: e.createdBy ?? null,
      };
    });
  if (rows.length === 0) return;
  await tx.db.insert(ledgerEntries).values(rows);
}
