import { uuidv7 } from '../../../lib/ids.js';
import type { LeadRow } from '../leads/leads.repository.js';
import { checkLeadTransition } from '../leads/lead-status.js';
import type {
  InteractionType,
  leadInteractions,
  leadStatusHistory,
  LeadStatus,
} from '../tables/leads.tables.js';
import { customerNameOf, HOUR, type Plan } from './lead-plans.js';
import type { DemoClock, DemoRefs } from './setup.js';

/**
 * A planned lead captured and worked in memory as agents work them — calls, visits and messages,
 * status moves checked by the module's transition rules with their history, the sale — so the
 * demo writes every lead's rows at once.
 */

type NewHistoryRow = typeof leadStatusHistory.$inferInsert;
type NewInteractionRow = typeof leadInteractions.$inferInsert;

/** Everything the demo writes about one lead, built in memory and written with the others. */
export interface LeadDraft {
  /** The lead as captured (status new), then its state after the last step. */
  row: LeadRow;
  history: NewHistoryRow[];
  interactions: NewInteractionRow[];
  sale: { amount: number; cost: number; at: Date } | null;
}

/** The lead as the capture path stores it, with its first history row. */
export function capture(
  refs: DemoRefs,
  plan: Plan,
  phone: string,
  duplicateOf: string | null,
  received: Date,
) {
  const agent = refs.agents[plan.agent]!;
  const row: LeadRow = {
    tenantId: refs.tenantId,
    id: uuidv7(),
    clientUuid: uuidv7(),
    customerName: customerNameOf(plan.n),
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
export function workLead(d: LeadDraft, plan: Plan, rand: () => number, clock: DemoClock): Date {
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
