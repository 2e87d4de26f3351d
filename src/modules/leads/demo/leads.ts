import type { Tx } from '../../../platform/db/types.js';
import type { Platform } from '../../../platform/module.js';
import { tenantSettingsOf } from '../../identity/index.js';
import { seededRandom } from '../../../lib/random.js';
import { conversionSettings, recordConversion, type Jobs } from '../conversions/conversion-writer.js';
import { captureLead } from '../leads/lead-capture.js';
import { checkLeadTransition } from '../leads/lead-status.js';
import { insertHistory, updateLead, type LeadRow } from '../leads/leads.repository.js';
import { leadInteractions, type InteractionType, type LeadStatus } from '../tables/leads.tables.js';
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

/** Writes the plans in one transaction; `jobs` collects the KPI days (the seed refreshes them all). */
export async function seedLeads(
  platform: Platform,
  refs: DemoRefs,
  campaigns: DemoCampaigns,
  clock: DemoClock,
  jobs: Jobs,
): Promise<SeededLeads> {
  const plans = planLeads(refs, campaigns, clock);
  const rand = seededRandom(20_240_716);
  const out: SeededLeads = { forImport: [], rejected: [], duplicates: [] };
  // A sale of a rejected customer captured again would match the later, open lead instead.
  const capturedTwice = new Set(plans.filter((p) => p.duplicate).map((p) => p.digits));
  await platform.db.withTenant({ tenantId: refs.tenantId }, async (tx) => {
    const settings = await conversionSettings(tx, refs.tenantId);
    const capture = {
      phoneRegion: settings.phoneRegion,
      duplicateWindowDays: (await tenantSettingsOf(tx, refs.tenantId)).lead_duplicate_window_days,
      timeZone: settings.timeZone,
    };
    for (const plan of plans) {
      const agent = refs.agents[plan.agent]!;
      const name = `${FIRST[plan.n % FIRST.length]} ${LAST[(plan.n * 7) % LAST.length]}`;
      const { lead } = await captureLead(
        tx,
        agent.ctx,
        {
          customer_name: name,
          phone: typed(plan.digits, plan.duplicate ? 2 : plan.n % 3),
          campaign_id: plan.campaignId,
          source_id: plan.sourceId,
          product_id: plan.productId,
          outlet_id: plan.outletId,
          captured_at: plan.at.toISOString(),
        },
        capture,
      );
      // Phones send within a minute or two; the server's receipt is dated then, not at seeding.
      const received = new Date(plan.at.getTime() + (20 + Math.floor(rand() * 100)) * 1000);
      const row = await updateLead(tx, refs.tenantId, lead.id, {
        receivedAt: received,
        statusChangedAt: plan.at,
        createdAt: received,
      });
      if (plan.duplicate) out.duplicates.push(lead.id);
      const readyAt = await workLead(tx, { row, plan, rand, clock, settings, jobs, currency: refs.currency });
      const candidate = { phone: lead.phone, outletId: plan.outletId, capturedAt: plan.at, readyAt };
      if (plan.fate === 'import') out.forImport.push(candidate);
      if (plan.fate === 'rejected' && !capturedTwice.has(plan.digits)) out.rejected.push(candidate);
    }
  });
  return out;
}

interface Work {
  row: LeadRow;
  plan: Plan;
  rand: () => number;
  clock: DemoClock;
  settings: Awaited<ReturnType<typeof conversionSettings>>;
  jobs: Jobs;
  currency: string;
}

/** A status move as the status route makes it: a permitted transition and its history row. */
async function move(tx: Tx, lead: LeadRow, to: LeadStatus, at: Date, reason: string | null) {
  checkLeadTransition(lead.status, to);
  const row = await updateLead(tx, lead.tenantId, lead.id, { status: to, statusChangedAt: at });
  await insertHistory(tx, {
    tenantId: lead.tenantId,
    leadId: lead.id,
    from: lead.status,
    to,
    reason,
    by: lead.agentId,
    at,
  });
  return row;
}

/** An interaction by the lead's agent; its next action date (or none) becomes the lead's follow-up. */
async function interact(
  tx: Tx,
  lead: LeadRow,
  type: InteractionType,
  outcome: string,
  at: Date,
  next: { date: string; action: string } | null = null,
) {
  await tx.db.insert(leadInteractions).values({
    tenantId: lead.tenantId,
    leadId: lead.id,
    agentId: lead.agentId,
    type,
    outcome,
    occurredAt: at,
    createdAt: at,
    nextActionDate: next?.date ?? null,
    nextAction: next?.action ?? null,
  });
  return updateLead(tx, lead.tenantId, lead.id, { nextActionDate: next?.date ?? null });
}

const NEXT_ACTIONS = [
  'Call back about the instalment plan',
  'Bring the contract to sign',
  'Show the new model',
  'Check the documents',
];

/** Works the lead to its fate; answers the time of its last step. */
async function workLead(tx: Tx, w: Work): Promise<Date> {
  const { plan, rand, clock } = w;
  let lead = w.row;
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
    if (!plan.duplicate && rand() < 0.7) await interact(tx, lead, 'message', 'sent', later(1, 3), followUp());
    return new Date(last);
  }
  if (fate === 'rejected' && (plan.duplicate || rand() < 0.4)) {
    const at = later(2, 20);
    await interact(tx, lead, 'call', plan.duplicate ? 'already a customer' : 'not interested', at);
    await move(tx, lead, 'rejected', at, plan.duplicate ? 'captured twice' : 'not interested');
    return at;
  }
  let at = later(2, 28);
  lead = await interact(tx, lead, 'call', 'reached', at, fate === 'contacted' ? followUp() : null);
  lead = await move(tx, lead, 'contacted', at, null);
  if (fate === 'contacted') return at;
  if (fate === 'rejected' || fate === 'expired') {
    at =
      fate === 'expired'
        ? new Date(Math.max(last + 60_000, plan.at.getTime() + 14 * 86_400_000))
        : later(24, 72);
    await interact(tx, lead, 'call', fate === 'expired' ? 'no answer' : 'not interested', at);
    await move(tx, lead, fate, at, fate === 'expired' ? 'no answer for two weeks' : 'chose a competitor');
    return at;
  }
  at = later(20, 60);
  const open = fate === 'qualified' || fate === 'import';
  lead = await interact(tx, lead, 'visit', 'interested', at, open ? followUp() : null);
  lead = await move(tx, lead, 'qualified', at, 'documents checked');
  if (open) return at;
  const amount = (300 + Math.floor(rand() * 3700)) * 1000;
  const cost = Math.round(amount * (0.55 + rand() * 0.15));
  await interact(tx, lead, 'verification', 'contract signed', later(4, 70));
  await recordConversion(tx, w.jobs, w.settings, lead, {
    amount: amount.toFixed(2),
    cost: cost.toFixed(2),
    currency: w.currency,
    productId: null,
    convertedAt: new Date(last),
    notes: null,
    origin: 'manual',
    externalSystem: null,
    externalSaleId: null,
    importRunId: null,
    by: lead.agentId,
  });
  return new Date(last);
}
