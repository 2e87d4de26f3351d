import { sql } from 'drizzle-orm';
import type { Tx } from '../../../platform/db/types.js';
import type { Platform } from '../../../platform/module.js';
import { tenantSettingsOf, writeAudits } from '../../identity/index.js';
import { seededRandom } from '../../../lib/random.js';
import { conversionValues, saleLedgerEntries } from '../conversions/conversion-writer.js';
import { appendLedgerEntries } from '../ledger/ledger-writer.js';
import { toLeadJson, type LeadRow } from '../leads/leads.repository.js';
import { normaliseLeadPhone } from '../phone.js';
import { conversions } from '../tables/conversions.tables.js';
import { leadInteractions, leads, leadStatusHistory } from '../tables/leads.tables.js';
import { DAY, planLeads, typed } from './lead-plans.js';
import { capture, workLead, type LeadDraft } from './lead-work.js';
import type { DemoCampaigns, DemoClock, DemoRefs } from './setup.js';

export { LEAD_DAYS } from './lead-plans.js';

/** A lead the sales import will match: its phone, outlet and capture time. */
export interface ImportCandidate {
  phone: string;
  outletId: string;
  capturedAt: Date;
  /** When the lead's last step happened: a sale of it comes after. */
  readyAt: Date;
}

export interface SeededLeads {
  forImport: ImportCandidate[];
  /** Rejected leads: a sale of one of them is an unmatched import row. */
  rejected: ImportCandidate[];
  /** Duplicates flagged at capture (the first one is merged afterwards). */
  duplicates: string[];
}

/**
 * Captures and works every planned lead in memory — phone normalised, master found, each status
 * move checked against the module's transition rules — then writes them all in one transaction of
 * a few multi-row statements: leads, their audit rows, history, interactions, the final states,
 * the sales with their ledger entries. The same rows the capture and conversion paths write, at
 * a fixed cost instead of some twenty statements per lead.
 */
export async function seedLeads(
  platform: Platform,
  refs: DemoRefs,
  campaigns: DemoCampaigns,
  clock: DemoClock,
): Promise<SeededLeads> {
  const plans = planLeads(refs, campaigns, clock);
  const rand = seededRandom(20_240_716);
  const out: SeededLeads = { forImport: [], rejected: [], duplicates: [] };
  // A sale of a rejected customer captured again would match the later, open lead instead.
  const capturedTwice = new Set(plans.filter((p) => p.duplicate).map((p) => p.digits));
  await platform.db.withTenant({ tenantId: refs.tenantId }, async (tx) => {
    const settings = await tenantSettingsOf(tx, refs.tenantId);
    const windowMs = settings.lead_duplicate_window_days * DAY;
    const masters = new Map<string, LeadRow>();
    const drafts: LeadDraft[] = [];
    for (const plan of plans) {
      const phone = normaliseLeadPhone(
        typed(plan.digits, plan.duplicate ? 2 : plan.n % 3),
        settings.default_phone_region,
        '/phone',
      );
      const key = `${phone}|${plan.campaignId}`;
      const master = masters.get(key);
      const duplicateOf =
        master && windowMs > 0 && Math.abs(plan.at.getTime() - master.capturedAt.getTime()) <= windowMs
          ? master.id
          : null;
      // Phones send within a minute or two; the server's receipt is dated then, not at seeding.
      const received = new Date(plan.at.getTime() + (20 + Math.floor(rand() * 100)) * 1000);
      const draft = capture(refs, plan, phone, duplicateOf, received);
      if (!duplicateOf && !masters.has(key)) masters.set(key, draft.row);
      if (duplicateOf) out.duplicates.push(draft.row.id);
      const readyAt = workLead(draft, plan, rand, clock);
      drafts.push(draft);
      const candidate = { phone, outletId: plan.outletId, capturedAt: plan.at, readyAt };
      if (plan.fate === 'import') out.forImport.push(candidate);
      if (plan.fate === 'rejected' && !capturedTwice.has(plan.digits)) out.rejected.push(candidate);
    }
    await writeDrafts(tx, refs, drafts);
  });
  return out;
}

/**
 * Writes the drafts: leads as captured with their `lead.create` audit rows, every history row and
 * interaction, each lead's final state, then the sales through the conversion writer's own row
 * and ledger builders.
 */
async function writeDrafts(tx: Tx, refs: DemoRefs, drafts: LeadDraft[]) {
  const auditOf = new Map(refs.agents.map((a) => [a.id, a.ctx.audit]));
  const captured = drafts.map((d) => ({
    ...d.row,
    status: 'new' as const,
    statusChangedAt: d.row.capturedAt,
    nextActionDate: null,
  }));
  await tx.db.insert(leads).values(captured);
  await writeAudits(
    tx,
    captured.map((row) => {
      const { created_at: _c, updated_at: _u, ...after } = toLeadJson(row);
      return {
        source: auditOf.get(row.agentId)!,
        entry: {
          tenantId: row.tenantId,
          action: 'lead.create',
          entityType: 'lead',
          entityId: row.id,
          changes: { after },
        },
      };
    }),
  );
  await tx.db.insert(leadStatusHistory).values(drafts.flatMap((d) => d.history));
  await tx.db.insert(leadInteractions).values(drafts.flatMap((d) => d.interactions));
  const finals = drafts.map((d) => ({
    id: d.row.id,
    status: d.row.status,
    status_changed_at: d.row.statusChangedAt.toISOString(),
    next_action_date: d.row.nextActionDate,
  }));
  await tx.db.execute(sql`update leads l set status = f.status, status_changed_at = f.status_changed_at,
      next_action_date = f.next_action_date, updated_at = greatest(l.updated_at, f.status_changed_at)
    from jsonb_to_recordset(${JSON.stringify(finals)}::jsonb)
      as f(id uuid, status text, status_changed_at timestamptz, next_action_date date)
    where l.tenant_id = ${refs.tenantId} and l.id = f.id`);
  const sales = drafts.filter((d) => d.sale);
  if (!sales.length) return;
  const rows = await tx.db
    .insert(conversions)
    .values(
      sales.map(({ row, sale }) => ({
        ...conversionValues(row, {
          amount: sale!.amount.toFixed(2),
          cost: sale!.cost.toFixed(2),
          currency: refs.currency,
          productId: null,
          convertedAt: sale!.at,
          notes: null,
          origin: 'manual',
          externalSystem: null,
          externalSaleId: null,
          importRunId: null,
          by: row.agentId,
        }),
        createdAt: sale!.at,
        updatedAt: sale!.at,
      })),
    )
    .returning();
  await appendLedgerEntries(
    tx,
    refs.tenantId,
    rows.flatMap((row) => saleLedgerEntries(row, row.createdBy)),
  );
}
