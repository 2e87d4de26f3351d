import { sql } from 'drizzle-orm';
import type { Tx } from '../../../platform/db/types.js';
import type { Platform } from '../../../platform/module.js';
import { tenantSettingsOf, writeAudits } from '../../identity/index.js';
import { uuidv7 } from '../../../lib/ids.js';
import { seededRandom } from '../../../lib/random.js';
import { conversionValues, saleLedgerEntries } from '../conversions/conversion-writer.js';
import { appendLedgerEntries } from '../ledger/ledger-writer.js';
import { checkLeadTransition } from '../leads/lead-status.js';
import { toLeadJson, type LeadRow } from '../leads/leads.repository.js';
import { normaliseLeadPhone } from '../phone.js';
import { conversions } from '../tables/conversions.tables.js';
import {
  leadInteractions,
  leads,
  leadStatusHistory,
  type InteractionType,
  type LeadStatus,
} from '../tables/leads.tables.js';

type NewHistoryRow = typeof leadStatusHistory.$inferInsert;
type NewInteractionRow = typeof leadInteractions.$inferInsert;
import type { DemoCampaigns, DemoClock, DemoRefs } from './setup.js';

/**
 * The demo's leads: about four a day over the last 60 days across the demo agents, captured between
 * 09:00 and 21:00 local time through the capture path (phone normalisation, duplicate detection,
 * audit), then worked as agents work them — calls, visits and messages, status moves with history,
 * sales through the conversion writer (ledger entries included). Some qualified leads are left for
 * the external sales import to convert; a few customers are captured twice in the same campaign.
 */

const DAY = 86_400_000;
const HOUR = 3_600_000;
export const LEAD_DAYS = 60;

/** What happens to a lead after capture. `import` stays qualified until a shop's sales file names it. */
type Fate = 'new' | 'contacted' | 'qualified' | 'import' | 'converted' | 'rejected' | 'expired';

interface Plan {
  n: number;
  at: Date;
  agent: number;
  outletId: string;
  campaignId: string | null;
  productId: string;
  sourceId: string;
  digits: string;
  fate: Fate;
  duplicate: boolean;
}

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

const FIRST = [
  'Aziz',
  'Dilnoza',
  'Jasur',
  'Malika',
  'Otabek',
  'Nodira',
  'Sardor',
  'Gulnora',
  'Bobur',
  'Zarina',
];
const LAST = ['Karimov', 'Yusupova', 'Rakhimov', 'Tursunova', 'Ismoilov', 'Nazarova', 'Aliyev', 'Saidova'];

/** Unique seven-digit subscriber numbers (7919 is prime to 8,000,000, so no two leads share one). */
const digitsOf = (n: number) => String(1_000_000 + ((n * 7919) % 8_000_000));

/** The number as agents type it: international, spaced, or national (normalised to E.164 on capture). */
function typed(digits: string, style: number): string {
  if (style === 0) return `+99890${digits}`;
  if (style === 1) return `+998 90 ${digits.slice(0, 3)} ${digits.slice(3, 5)} ${digits.slice(5)}`;
  return `90${digits}`;
}

function fateOf(rand: () => number, ageDays: number): Fate {
  const r = rand();
  if (ageDays < 2) return r < 0.6 ? 'new' : 'contacted';
  if (r < 0.34) return 'converted';
  if (r < 0.44) return ageDays <= 25 && ageDays >= 3 ? 'import' : 'converted';
  if (r < 0.52) return 'qualified';
  if (r < 0.64) return 'contacted';
  if (r < 0.72) return 'new';
  if (r < 0.86) return 'rejected';
  return ageDays >= 15 ? 'expired' : 'rejected';
}

function planLeads(refs: DemoRefs, campaigns: DemoCampaigns, clock: DemoClock): Plan[] {
  const rand = seededRandom(20_240_715);
  const pick = <T>(list: readonly T[]) => list[Math.floor(rand() * list.length)]!;
  const sources = Object.values(campaigns.sources);
  const plans: Plan[] = [];
  for (let ago = LEAD_DAYS - 1; ago >= 0; ago--) {
    const day = clock.day(-ago);
    const sunday = new Date(`${day}T00:00:00Z`).getUTCDay() === 0;
    const count = sunday ? 1 + Math.floor(rand() * 2) : 3 + Math.floor(rand() * 4);
    for (let i = 0; i < count; i++) {
      const at = clock.at(day, 9 * 60 + Math.floor(rand() * 12 * 60));
      const roll = rand();
      const campaign =
        roll < 0.1
          ? null
          : day <= campaigns.ended.endDate && roll < 0.45
            ? campaigns.ended
            : campaigns.active;
      const n = plans.length + 1;
      const plan: Plan = {
        n,
        at,
        agent: Math.floor(rand() * refs.agents.length),
        outletId: pick(campaign?.outlets ?? refs.outlets.map((o) => o.id)),
        campaignId: campaign?.id ?? null,
        productId: pick(campaign?.products ?? refs.products),
        sourceId: pick(sources),
        digits: digitsOf(n),
        fate: fateOf(rand, (clock.now.getTime() - at.getTime()) / DAY),
        duplicate: false,
      };
      // Nothing lies ahead of the moment of seeding, and today's leads leave time to be worked.
      if (at.getTime() <= clock.now.getTime() - 2 * HOUR) plans.push(plan);
    }
  }
  // A handful of customers captured again in the same campaign a few days later (another agent,
  // another shop): flagged against the first lead on capture.
  const masters = plans.filter(
    (p) => p.campaignId && p.fate !== 'import' && clock.now.getTime() - p.at.getTime() > 6 * DAY,
  );
  for (let i = 0; i < 6 && masters.length; i++) {
    const master = masters.splice(Math.floor(rand() * masters.length), 1)[0]!;
    plans.push({
      ...master,
      n: plans.length + 1,
      at: new Date(master.at.getTime() + (1 + Math.floor(rand() * 4)) * DAY + 2 * HOUR),
      agent: (master.agent + 1) % refs.agents.length,
      fate: rand() < 0.5 ? 'new' : 'rejected',
      duplicate: true,
    });
  }
  return plans.sort((a, b) => a.at.getTime() - b.at.getTime());
}

/** Everything the demo writes about one lead, built in memory and written with the others. */
interface LeadDraft {
  /** The lead as captured (status new), then its state after the last step. */
  row: LeadRow;
  history: NewHistoryRow[];
  interactions: NewInteractionRow[];
  sale: { amount: number; cost: number; at: Date } | null;
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

/** The lead as the capture path stores it, with its first history row. */
function capture(refs: DemoRefs, plan: Plan, phone: string, duplicateOf: string | null, received: Date) {
  const agent = refs.agents[plan.agent]!;
  const row: LeadRow = {
    tenantId: refs.tenantId,
    id: uuidv7(),
    clientUuid: uuidv7(),
    customerName: `${FIRST[plan.n % FIRST.length]} ${LAST[(plan.n * 7) % LAST.length]}`,
    phone,
    documentNumber: null,
    productId: plan.productId,
    campaignId: plan.campaignId,
    sourceId: plan.sourceId,
    agentId: agent.id,
    outletId: plan.outletId,
    status: 'new',
    statusChangedAt: plan.at,
    capturedAt: plan.at,
    receivedAt: received,
    latitude: null,
    longitude: null,
    accuracyM: null,
    notes: null,
    duplicateOf,
    mergedAt: null,
    mergedBy: null,
    nextActionDate: null,
    createdBy: agent.id,
    createdAt: received,
    updatedAt: received,
  };
  const first: NewHistoryRow = {
    tenantId: row.tenantId,
    leadId: row.id,
    fromStatus: null,
    toStatus: 'new',
    reason: duplicateOf ? 'duplicate of an earlier lead' : null,
    changedBy: agent.id,
    changedAt: plan.at,
  };
  return { row, history: [first], interactions: [], sale: null } as LeadDraft;
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

/** A status move as the status route makes it: a permitted transition and its history row. */
function move(d: LeadDraft, to: LeadStatus, at: Date, reason: string | null) {
  checkLeadTransition(d.row.status, to);
  changeStatus(d, to, at, reason);
}

function changeStatus(d: LeadDraft, to: LeadStatus, at: Date, reason: string | null) {
  d.history.push({
    tenantId: d.row.tenantId,
    leadId: d.row.id,
    fromStatus: d.row.status,
    toStatus: to,
    reason,
    changedBy: d.row.agentId,
    changedAt: at,
  });
  d.row.status = to;
  d.row.statusChangedAt = at;
}

/** An interaction by the lead's agent; its next action date (or none) becomes the lead's follow-up. */
function interact(
  d: LeadDraft,
  type: InteractionType,
  outcome: string,
  at: Date,
  next: { date: string; action: string } | null = null,
) {
  d.interactions.push({
    tenantId: d.row.tenantId,
    leadId: d.row.id,
    agentId: d.row.agentId,
    type,
    outcome,
    occurredAt: at,
    createdAt: at,
    nextActionDate: next?.date ?? null,
    nextAction: next?.action ?? null,
  });
  d.row.nextActionDate = next?.date ?? null;
}

/** A sale of the lead, as the conversion writer records one: the lead moves to converted then. */
function sell(d: LeadDraft, amount: number, cost: number, at: Date) {
  changeStatus(d, 'converted', at, 'sale recorded');
  d.sale = { amount, cost, at };
}

const NEXT_ACTIONS = [
  'Call back about the instalment plan',
  'Bring the contract to sign',
  'Show the new model',
  'Check the documents',
];

/** Works the lead to its fate; answers the time of its last step. */
function workLead(d: LeadDraft, plan: Plan, rand: () => number, clock: DemoClock): Date {
  let last = plan.at.getTime();
  // Each step some hours after the previous one, never after the moment of seeding.
  const later = (minHours: number, spreadHours: number) => {
    const planned = last + (minHours + rand() * spreadHours) * HOUR;
    last = Math.max(last + 60_000, Math.min(planned, clock.now.getTime() - 60_000));
    return new Date(last);
  };
  const followUp = () => ({
    date: clock.day(Math.floor(rand() * 11) - 4),
    action: NEXT_ACTIONS[Math.floor(rand() * NEXT_ACTIONS.length)]!,
  });
  const fate = plan.fate;
  if (fate === 'new') {
    if (!plan.duplicate && rand() < 0.7) interact(d, 'message', 'sent', later(1, 3), followUp());
    return new Date(last);
  }
  if (fate === 'rejected' && (plan.duplicate || rand() < 0.4)) {
    const at = later(2, 20);
    interact(d, 'call', plan.duplicate ? 'already a customer' : 'not interested', at);
    move(d, 'rejected', at, plan.duplicate ? 'captured twice' : 'not interested');
    return at;
  }
  let at = later(2, 28);
  interact(d, 'call', 'reached', at, fate === 'contacted' ? followUp() : null);
  move(d, 'contacted', at, null);
  if (fate === 'contacted') return at;
  if (fate === 'rejected' || fate === 'expired') {
    at =
      fate === 'expired'
        ? new Date(Math.max(last + 60_000, plan.at.getTime() + 14 * 86_400_000))
        : later(24, 72);
    interact(d, 'call', fate === 'expired' ? 'no answer' : 'not interested', at);
    move(d, fate, at, fate === 'expired' ? 'no answer for two weeks' : 'chose a competitor');
    return at;
  }
  at = later(20, 60);
  const open = fate === 'qualified' || fate === 'import';
  interact(d, 'visit', 'interested', at, open ? followUp() : null);
  move(d, 'qualified', at, 'documents checked');
  if (open) return at;
  const amount = (300 + Math.floor(rand() * 3700)) * 1000;
  const cost = Math.round(amount * (0.55 + rand() * 0.15));
  interact(d, 'verification', 'contract signed', later(4, 70));
  sell(d, amount, cost, new Date(last));
  return new Date(last);
}
