import { and, asc, eq, isNull, sql } from 'drizzle-orm';
import type { Tx } from '../../../platform/db/types.js';
import { defineResource, iso } from '../../../platform/resource/index.js';
import type { leadInteractions } from '../tables/leads.tables.js';
import { leads, leadStatusHistory, type LeadStatus } from '../tables/leads.tables.js';
import type { Interaction, Lead } from './leads.schemas.js';

export type LeadRow = typeof leads.$inferSelect;
export type NewLeadRow = typeof leads.$inferInsert;
type InteractionRow = typeof leadInteractions.$inferSelect;

/** Leads belong to their agent: every list, read and write is limited to the caller's data scope. */
export const leadResource = defineResource({
  table: leads,
  name: 'Lead',
  tenantId: leads.tenantId,
  id: leads.id,
  owner: leads.agentId,
  sorts: {
    captured_at: leads.capturedAt,
    received_at: leads.receivedAt,
    created_at: leads.createdAt,
    customer_name: leads.customerName,
    status: leads.status,
    next_action_date: leads.nextActionDate,
  },
});

export const toLeadJson = (row: LeadRow): Lead => ({
  id: row.id,
  client_uuid: row.clientUuid,
  customer_name: row.customerName,
  phone: row.phone,
  document_number: row.documentNumber,
  product_id: row.productId,
  campaign_id: row.campaignId,
  source_id: row.sourceId,
  agent_id: row.agentId,
  outlet_id: row.outletId,
  status: row.status,
  status_changed_at: row.statusChangedAt.toISOString(),
  captured_at: row.capturedAt.toISOString(),
  received_at: row.receivedAt.toISOString(),
  latitude: row.latitude,
  longitude: row.longitude,
  accuracy_m: row.accuracyM,
  notes: row.notes,
  is_duplicate: row.duplicateOf !== null,
  duplicate_of: row.duplicateOf,
  merged_at: iso(row.mergedAt),
  merged_by: row.mergedBy,
  next_action_date: row.nextActionDate,
  created_by: row.createdBy,
  created_at: row.createdAt.toISOString(),
  updated_at: row.updatedAt.toISOString(),
});

export const toInteractionJson = (row: InteractionRow): Interaction => ({
  id: row.id,
  client_uuid: row.clientUuid,
  lead_id: row.leadId,
  agent_id: row.agentId,
  type: row.type,
  outcome: row.outcome,
  notes: row.notes,
  occurred_at: row.occurredAt.toISOString(),
  next_action_date: row.nextActionDate,
  next_action: row.nextAction,
  created_at: row.createdAt.toISOString(),
});

export async function leadByClientUuid(tx: Tx, tenantId: string, clientUuid: string) {
  const [row] = await tx.db
    .select()
    .from(leads)
    .where(and(eq(leads.tenantId, tenantId), eq(leads.clientUuid, clientUuid)));
  return row;
}

/** Inserts the lead unless its client_uuid is already taken (a concurrent retry): undefined then. */
export async function insertLead(tx: Tx, values: NewLeadRow): Promise<LeadRow | undefined> {
  const [row] = await tx.db
    .insert(leads)
    .values(values)
    .onConflictDoNothing({ target: [leads.tenantId, leads.clientUuid] })
    .returning();
  return row;
}

/**
 * The master a new lead duplicates: the earliest-captured lead that is not itself a duplicate,
 * with the same normalised phone in the same campaign (both without one counts as the same),
 * captured at most `windowDays` before or after. Tenant-wide, whatever the caller's scope: two
 * agents capturing the same customer is exactly what the flag is for.
 */
export async function findMaster(
  tx: Tx,
  tenantId: string,
  lead: { phone: string; campaignId: string | null; capturedAt: Date },
  windowDays: number,
): Promise<string | undefined> {
  if (windowDays <= 0) return undefined;
  const window = sql`make_interval(days => ${windowDays})`;
  const at = lead.capturedAt.toISOString();
  const [row] = await tx.db
    .select({ id: leads.id })
    .from(leads)
    .where(
      and(
        eq(leads.tenantId, tenantId),
        eq(leads.phone, lead.phone),
        lead.campaignId === null ? isNull(leads.campaignId) : eq(leads.campaignId, lead.campaignId),
        isNull(leads.duplicateOf),
        sql`${leads.capturedAt} between ${at}::timestamptz - ${window} and ${at}::timestamptz + ${window}`,
      ),
    )
    .orderBy(asc(leads.capturedAt), asc(leads.id))
    .limit(1);
  return row?.id;
}

export async function insertHistory(
  tx: Tx,
  values: {
    tenantId: string;
    leadId: string;
    from: LeadStatus | null;
    to: LeadStatus;
    reason: string | null;
    by: string;
    at: Date;
  },
) {
  await tx.db.insert(leadStatusHistory).values({
    tenantId: values.tenantId,
    leadId: values.leadId,
    fromStatus: values.from,
    toStatus: values.to,
    reason: values.reason,
    changedBy: values.by,
    changedAt: values.at,
  });
}

export async function historyOf(tx: Tx, tenantId: string, leadId: string) {
  return tx.db
    .select()
    .from(leadStatusHistory)
    .where(and(eq(leadStatusHistory.tenantId, tenantId), eq(leadStatusHistory.leadId, leadId)))
    .orderBy(asc(leadStatusHistory.changedAt), asc(leadStatusHistory.id));
}

export async function updateLead(tx: Tx, tenantId: string, id: string, values: Partial<NewLeadRow>) {
  const [row] = await tx.db
    .update(leads)
    .set({ ...values, updatedAt: new Date() })
    .where(and(eq(leads.tenantId, tenantId), eq(leads.id, id)))
    .returning();
  return row!;
}
