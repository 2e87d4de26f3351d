import { and, asc, eq, inArray, isNull, lte } from 'drizzle-orm';
import type { TenantDatabase, Tx } from '../../../platform/db/types.js';
import type { JobQueue } from '../../../platform/jobs/types.js';
import { conflict, validationFailed } from '../../../platform/http/errors.js';
import {
  envelope,
  iso,
  tenantReadOf,
  tenantTxOf,
  type CallContext,
} from '../../../platform/resource/index.js';
import { tenantSettingsOf, writeAudit } from '../../identity/index.js';
import { localDate } from '../clock.js';
import { queueKpiRefreshAt } from '../kpi/kpi-queue.js';
import { leadInteractions, leads, leadStatusHistory } from '../tables/leads.tables.js';
import { checkLeadTransition, OPEN_LEAD_STATUSES } from './lead-status.js';
import type {
  CreateInteractionBody,
  FollowUpQuery,
  Interaction,
  Lead,
  MergeBody,
  StatusChangeBody,
} from './leads.schemas.js';
import {
  historyOf,
  insertHistory,
  leadResource,
  toInteractionJson,
  toLeadJson,
  updateLead,
  type LeadRow,
} from './leads.repository.js';

const ENTITY = 'lead';

function refuseMerged(row: LeadRow) {
  if (row.mergedAt)
    throw conflict('LEAD_MERGED', 'This lead was merged into its master; work on the master lead instead.');
}

/** Status changes, merges, interactions and follow-ups: the work done on a lead after capture. */
export function createLeadActionsService(deps: { db: TenantDatabase; jobs: Pick<JobQueue, 'send'> }) {
  const tenantTx = tenantTxOf(deps);
  const tenantRead = tenantReadOf(deps);

  /** Queues the KPI refresh of the lead's capture day (the day its KPI rows count it on). */
  const refreshCaptureDay = async (tx: Tx, tenantId: string, lead: LeadRow) =>
    queueKpiRefreshAt(deps.jobs, tx, tenantId, (await tenantSettingsOf(tx, tenantId)).time_zone, [
      lead.capturedAt,
    ]);

  return {
    changeStatus(ctx: CallContext, id: string, body: StatusChangeBody): Promise<Lead> {
      return tenantTx(ctx, async (tx) => {
        const before = await leadResource.find(tx, ctx, id, { lock: true });
        refuseMerged(before);
        checkLeadTransition(before.status, body.status);
        const now = new Date();
        const row = await updateLead(tx, ctx.tenantId, id, { status: body.status, statusChangedAt: now });
        await insertHistory(tx, {
          tenantId: ctx.tenantId,
          leadId: id,
          from: before.status,
          to: body.status,
          reason: body.reason ?? null,
          by: ctx.principal.userId,
          at: now,
        });
        await writeAudit(tx, ctx.audit, {
          tenantId: ctx.tenantId,
          action: 'lead.status',
          entityType: ENTITY,
          entityId: id,
          changes: {
            before: { status: before.status },
            after: { status: body.status, reason: body.reason ?? null },
          },
        });
        await refreshCaptureDay(tx, ctx.tenantId, row);
        return toLeadJson(row);
      });
    },

    history(ctx: CallContext, id: string) {
      return tenantRead(ctx, async (tx) => {
        await leadResource.find(tx, ctx, id);
        const rows = await historyOf(tx, ctx.tenantId, id);
        return {
          history: rows.map((r) => ({
            id: r.id,
            lead_id: r.leadId,
            from_status: r.fromStatus,
            to_status: r.toStatus,
            reason: r.reason,
            changed_by: r.changedBy,
            changed_at: iso(r.changedAt)!,
          })),
        };
      });
    },

    /**
     * Merges a duplicate into its master (the flagged one unless `master_id` names another lead in
     * scope): its interactions and status history move to the master, leads flagged against it
     * point at the master, and it stays, marked merged, so conversions and reports that name it
     * still resolve. A merged lead takes no more status changes or interactions.
     */
    merge(ctx: CallContext, id: string, body: MergeBody): Promise<Lead> {
      return tenantTx(ctx, async (tx) => {
        const lead = await leadResource.find(tx, ctx, id, { lock: true });
        if (lead.mergedAt) throw conflict('LEAD_ALREADY_MERGED', 'This lead is already merged.');
        const masterId = body.master_id ?? lead.duplicateOf;
        if (!masterId)
          throw validationFailed([
            { path: '/body/master_id', message: 'is required: the lead is not flagged as a duplicate' },
          ]);
        if (masterId === id)
          throw validationFailed([{ path: '/body/master_id', message: 'must name another lead' }]);
        const [master] = await tx.db
          .select()
          .from(leads)
          .where(leadResource.where(ctx, eq(leads.id, masterId)))
          .for('update');
        if (!master) throw validationFailed([{ path: '/body/master_id', message: 'no such lead' }]);
        if (master.mergedAt || master.duplicateOf)
          throw conflict('MASTER_IS_DUPLICATE', 'The master must be a lead that is not itself a duplicate.');
        const moved = await moveToMaster(tx, ctx.tenantId, id, masterId);
        const nextAction = [master.nextActionDate, lead.nextActionDate].filter((d) => d !== null).sort()[0];
        if ((nextAction ?? null) !== master.nextActionDate)
          await updateLead(tx, ctx.tenantId, masterId, { nextActionDate: nextAction ?? null });
        const row = await updateLead(tx, ctx.tenantId, id, {
          duplicateOf: masterId,
          mergedAt: new Date(),
          mergedBy: ctx.principal.userId,
          nextActionDate: null,
        });
        await writeAudit(tx, ctx.audit, {
          tenantId: ctx.tenantId,
          action: 'lead.merge',
          entityType: ENTITY,
          entityId: id,
          changes: {
            before: { duplicate_of: lead.duplicateOf },
            after: { duplicate_of: masterId, reason: body.reason ?? null, ...moved },
          },
        });
        // A merged lead is no longer captured: its capture day loses it.
        await refreshCaptureDay(tx, ctx.tenantId, row);
        return toLeadJson(row);
      });
    },

    interactions(ctx: CallContext, id: string) {
      return tenantRead(ctx, async (tx) => {
        await leadResource.find(tx, ctx, id);
        const rows = await tx.db
          .select()
          .from(leadInteractions)
          .where(and(eq(leadInteractions.tenantId, ctx.tenantId), eq(leadInteractions.leadId, id)))
          .orderBy(asc(leadInteractions.occurredAt), asc(leadInteractions.id));
        return { interactions: rows.map(toInteractionJson) };
      });
    },

    /**
     * Records an interaction; its next action date (or none) becomes the lead's pending follow-up.
     * A `client_uuid` already stored for this lead (or, after a merge, its master) is a retry: the
     * stored interaction is answered (`created: false`). The lead's row lock serialises concurrent
     * repeats, and the insert's ON CONFLICT DO NOTHING keeps them on one row whatever happens.
     */
    addInteraction(
      ctx: CallContext,
      id: string,
      body: CreateInteractionBody,
    ): Promise<{ interaction: Interaction; created: boolean }> {
      return tenantTx(ctx, async (tx) => {
        const lead = await leadResource.find(tx, ctx, id, { lock: true });
        if (body.client_uuid) {
          const stored = await storedInteraction(tx, ctx.tenantId, body.client_uuid, lead);
          if (stored) return { interaction: stored, created: false };
        }
        refuseMerged(lead);
        const [row] = await tx.db
          .insert(leadInteractions)
          .values({
            tenantId: ctx.tenantId,
            leadId: id,
            agentId: ctx.principal.userId,
            clientUuid: body.client_uuid ?? null,
            type: body.type,
            outcome: body.outcome ?? null,
            notes: body.notes ?? null,
            occurredAt: body.occurred_at ? new Date(body.occurred_at) : new Date(),
            nextActionDate: body.next_action_date ?? null,
            nextAction: body.next_action ?? null,
          })
          .onConflictDoNothing({ target: [leadInteractions.tenantId, leadInteractions.clientUuid] })
          .returning();
        if (!row) {
          const stored = await storedInteraction(tx, ctx.tenantId, body.client_uuid!, lead);
          return { interaction: stored!, created: false };
        }
        await updateLead(tx, ctx.tenantId, id, { nextActionDate: body.next_action_date ?? null });
        const json = toInteractionJson(row);
        await writeAudit(tx, ctx.audit, {
          tenantId: ctx.tenantId,
          action: 'lead.interaction',
          entityType: ENTITY,
          entityId: id,
          changes: {
            after: { interaction_id: json.id, type: json.type, next_action_date: json.next_action_date },
          },
        });
        return { interaction: json, created: true };
      });
    },

    /** Open leads in scope whose next action is due on `on` (default: today, tenant time) or overdue. */
    followUps(ctx: CallContext, query: FollowUpQuery) {
      return tenantRead(ctx, async (tx) => {
        const on = query.on ?? localDate(new Date(), (await tenantSettingsOf(tx, ctx.tenantId)).time_zone);
        const page = await leadResource.list(tx, ctx, query, {
          where: [
            lte(leads.nextActionDate, on),
            inArray(leads.status, [...OPEN_LEAD_STATUSES]),
            isNull(leads.mergedAt),
            query.agent ? eq(leads.agentId, query.agent) : undefined,
          ],
        });
        return envelope('leads', page, (row) => ({ ...toLeadJson(row), overdue: row.nextActionDate! < on }));
      });
    },
  };
}

/**
 * The interaction stored under `clientUuid`, when it belongs to `lead` (or the master it was merged
 * into). Stored for another lead, it is another device's id colliding, not a retry: 409.
 */
async function storedInteraction(tx: Tx, tenantId: string, clientUuid: string, lead: LeadRow) {
  const [row] = await tx.db
    .select()
    .from(leadInteractions)
    .where(and(eq(leadInteractions.tenantId, tenantId), eq(leadInteractions.clientUuid, clientUuid)));
  if (!row) return undefined;
  const own = row.leadId === lead.id || (lead.mergedAt !== null && row.leadId === lead.duplicateOf);
  if (!own) throw conflict('CLIENT_UUID_IN_USE', 'Another interaction already uses this client_uuid.');
  return toInteractionJson(row);
}

/** Moves a duplicate's interactions, history and own duplicates to the master; returns the counts. */
async function moveToMaster(tx: Tx, tenantId: string, fromId: string, masterId: string) {
  const interactions = await tx.db
    .update(leadInteractions)
    .set({ leadId: masterId })
    .where(and(eq(leadInteractions.tenantId, tenantId), eq(leadInteractions.leadId, fromId)))
    .returning({ id: leadInteractions.id });
  const history = await tx.db
    .update(leadStatusHistory)
    .set({ leadId: masterId })
    .where(and(eq(leadStatusHistory.tenantId, tenantId), eq(leadStatusHistory.leadId, fromId)))
    .returning({ id: leadStatusHistory.id });
  await tx.db
    .update(leads)
    .set({ duplicateOf: masterId, updatedAt: new Date() })
    .where(and(eq(leads.tenantId, tenantId), eq(leads.duplicateOf, fromId)));
  return { moved_interactions: interactions.length, moved_history: history.length };
}

export type LeadActionsService = ReturnType<typeof createLeadActionsService>;
