import { and, eq, gte, inArray, lt, or, type SQL } from 'drizzle-orm';
import type { TenantDatabase, Tx } from '../../../platform/db/types.js';
import { conflict, validationFailed } from '../../../platform/http/errors.js';
import { missingReference } from '../../../platform/db/pg-errors.js';
import {
  defineResource,
  envelope,
  scopePredicate,
  tenantTxOf,
  type CallContext,
  type ResourceCaller,
} from '../../../platform/resource/index.js';
import { diff, isActiveUserInScope, writeAudit } from '../../identity/index.js';

type AuditChanges = ReturnType<typeof diff>;
import { alerts } from '../notify.tables.js';
import type { DeliveryDeps } from '../notifications/deliver.js';
import type {
  Alert,
  AlertListQuery,
  BulkResolveBody,
  CreateAlertBody,
  CustomerAlertsQuery,
  ResolveAlertBody,
  SnoozeAlertBody,
  UpdateAlertBody,
} from './alerts.schemas.js';
import { publishAlertChange, raiseAlert, type AlertRow } from './raise.js';

const iso = (d: Date | null) => (d ? d.toISOString() : null);

export const toAlertJson = (row: AlertRow): Alert => ({
  id: row.id,
  type: row.type,
  severity: row.severity,
  title: row.title,
  description: row.description,
  entity_type: row.entityType,
  entity_id: row.entityId,
  customer_id: row.customerId,
  owner_id: row.ownerId,
  assignee_id: row.assigneeId,
  status: row.status,
  source: row.source,
  notes: row.notes,
  snoozed_until: iso(row.snoozedUntil),
  resolved_at: iso(row.resolvedAt),
  resolved_by: row.resolvedBy,
  resolution_note: row.resolutionNote,
  created_by: row.createdBy,
  created_at: row.createdAt.toISOString(),
  updated_at: row.updatedAt.toISOString(),
});

/**
 * An alert is within a caller's scope when its owner is (the record it is about belongs to someone
 * they see), or when it is assigned to them. Alerts about no one's record: tenant-wide scopes only.
 */
export function alertScope(ctx: ResourceCaller): SQL | undefined {
  const byOwner = scopePredicate(ctx.principal, alerts.ownerId);
  return byOwner ? or(byOwner, eq(alerts.assigneeId, ctx.principal.userId)) : undefined;
}

export const alertResource = defineResource({
  table: alerts,
  name: 'Alert',
  tenantId: alerts.tenantId,
  id: alerts.id,
  scope: alertScope,
  sorts: { created_at: alerts.createdAt, updated_at: alerts.updatedAt },
});

const dayStart = (date: string) => new Date(`${date}T00:00:00.000Z`);
const nextDay = (date: string) => new Date(dayStart(date).getTime() + 86_400_000);

/** The references a manual alert names, answered at their field when they do not exist. */
const REFERENCES = {
  alerts_customer_fk: { path: '/body/customer_id', message: 'no such customer' },
  alerts_owner_fk: { path: '/body/owner_id', message: 'no such user' },
  alerts_assignee_fk: { path: '/body/assignee_id', message: 'no such user' },
};

export function createAlertsService(deps: { db: TenantDatabase } & DeliveryDeps) {
  const tenantTx = tenantTxOf(deps);

  /** The assignee must be an active user the caller's scope covers (or the caller). */
  /**
   * The assignee, and for a new alert its owner, must be the caller or an active user in the caller's
   * data scope: an agent cannot raise an alert about, or hand one to, someone they cannot see.
   */
  async function checkPeople(
    tx: Tx,
    ctx: CallContext,
    people: { assignee_id?: string | null; owner_id?: string | null },
  ) {
    const errors = [];
    for (const field of ['owner_id', 'assignee_id'] as const) {
      const id = people[field];
      if (!id || id === ctx.principal.userId) continue;
      if (!(await isActiveUserInScope(tx, ctx.principal, ctx.tenantId, id)))
        errors.push({ path: `/body/${field}`, message: 'no such active user in your data scope' });
    }
    if (errors.length) throw validationFailed(errors);
  }

  async function audit(tx: Tx, ctx: CallContext, action: string, id: string, changes?: AuditChanges) {
    await writeAudit(tx, ctx.audit, {
      tenantId: ctx.tenantId,
      action,
      entityType: 'alert',
      entityId: id,
      changes,
    });
  }

  async function setResolved(tx: Tx, ctx: CallContext, row: AlertRow, note: string | null | undefined) {
    const [updated] = await tx.db
      .update(alerts)
      .set({
        status: 'resolved',
        resolvedAt: new Date(),
        resolvedBy: ctx.principal.userId,
        resolutionNote: note ?? null,
        snoozedUntil: null,
      })
      .where(and(eq(alerts.tenantId, ctx.tenantId), eq(alerts.id, row.id)))
      .returning();
    await audit(
      tx,
      ctx,
      'alert.resolve',
      row.id,
      diff({ status: row.status }, { status: 'resolved', resolution_note: note ?? null }),
    );
    await publishAlertChange(deps, tx, updated!);
    return updated!;
  }

  return {
    list: (ctx: CallContext, q: AlertListQuery) =>
      tenantTx(ctx, async (tx) =>
        envelope(
          'alerts',
          await alertResource.list(tx, ctx, q, {
            where: [
              q.status ? eq(alerts.status, q.status) : undefined,
              q.severity ? eq(alerts.severity, q.severity) : undefined,
              q.type ? eq(alerts.type, q.type) : undefined,
              q.customer_id ? eq(alerts.customerId, q.customer_id) : undefined,
              q.entity_type ? eq(alerts.entityType, q.entity_type) : undefined,
              q.entity_id ? eq(alerts.entityId, q.entity_id) : undefined,
              q.assignee_id ? eq(alerts.assigneeId, q.assignee_id) : undefined,
              q.from ? gte(alerts.createdAt, dayStart(q.from)) : undefined,
              q.to ? lt(alerts.createdAt, nextDay(q.to)) : undefined,
            ],
          }),
          toAlertJson,
        ),
      ),

    listForCustomer: (ctx: CallContext, customerId: string, q: CustomerAlertsQuery) =>
      tenantTx(ctx, async (tx) =>
        envelope(
          'alerts',
          await alertResource.list(tx, ctx, q, {
            where: [eq(alerts.customerId, customerId), q.status ? eq(alerts.status, q.status) : undefined],
          }),
          toAlertJson,
        ),
      ),

    get: (ctx: CallContext, id: string) =>
      tenantTx(ctx, async (tx) => toAlertJson(await alertResource.find(tx, ctx, id))),

    create: (ctx: CallContext, body: CreateAlertBody) =>
      tenantTx(ctx, async (tx) => {
        await checkPeople(tx, ctx, body);
        const row = await raiseAlert(deps, tx, {
          tenantId: ctx.tenantId,
          type: body.type,
          severity: body.severity,
          title: body.title,
          description: body.description ?? undefined,
          entityType: body.entity_type,
          entityId: body.entity_id,
          customerId: body.customer_id,
          // A manual alert about nobody's record belongs to whoever raised it, so they keep seeing it.
          ownerId: body.owner_id ?? ctx.principal.userId,
          assigneeId: body.assignee_id,
          source: 'manual',
          createdBy: ctx.principal.userId,
        }).catch((error: unknown) => {
          throw missingReference(error, REFERENCES) ?? error;
        });
        await audit(
          tx,
          ctx,
          'alert.create',
          row!.id,
          diff(undefined, { type: body.type, severity: body.severity }),
        );
        return toAlertJson(row!);
      }),

    update: (ctx: CallContext, id: string, body: UpdateAlertBody) =>
      tenantTx(ctx, async (tx) => {
        const row = await alertResource.find(tx, ctx, id, { lock: true });
        await checkPeople(tx, ctx, { assignee_id: body.assignee_id });
        const changes = {
          ...(body.assignee_id !== undefined ? { assigneeId: body.assignee_id } : {}),
          ...(body.notes !== undefined ? { notes: body.notes } : {}),
        };
        const [updated] = await tx.db
          .update(alerts)
          .set(changes)
          .where(and(eq(alerts.tenantId, ctx.tenantId), eq(alerts.id, id)))
          .returning();
        await audit(
          tx,
          ctx,
          'alert.update',
          id,
          diff(
            { assignee_id: row.assigneeId, notes: row.notes },
            { assignee_id: updated!.assigneeId, notes: updated!.notes },
          ),
        );
        return toAlertJson(updated!);
      }),

    resolve: (ctx: CallContext, id: string, body: ResolveAlertBody) =>
      tenantTx(ctx, async (tx) => {
        const row = await alertResource.find(tx, ctx, id, { lock: true });
        if (row.status === 'resolved')
          throw conflict('ALERT_ALREADY_RESOLVED', 'The alert is already resolved.');
        return toAlertJson(await setResolved(tx, ctx, row, body.resolution_note));
      }),

    snooze: (ctx: CallContext, id: string, body: SnoozeAlertBody) =>
      tenantTx(ctx, async (tx) => {
        const until = new Date(body.until);
        if (!(until.getTime() > Date.now()))
          throw validationFailed([{ path: '/body/until', message: 'must be in the future' }]);
        const row = await alertResource.find(tx, ctx, id, { lock: true });
        if (row.status === 'resolved')
          throw conflict('ALERT_ALREADY_RESOLVED', 'A resolved alert cannot be snoozed.');
        const [updated] = await tx.db
          .update(alerts)
          .set({ status: 'snoozed', snoozedUntil: until })
          .where(and(eq(alerts.tenantId, ctx.tenantId), eq(alerts.id, id)))
          .returning();
        await audit(
          tx,
          ctx,
          'alert.snooze',
          id,
          diff({ status: row.status }, { status: 'snoozed', snoozed_until: until.toISOString() }),
        );
        await publishAlertChange(deps, tx, updated!);
        return toAlertJson(updated!);
      }),

    /**
     * Resolves every listed alert that is not resolved yet, all or nothing: an id outside the
     * tenant or the caller's scope is 422 naming it, and nothing changes.
     */
    bulkResolve: (ctx: CallContext, body: BulkResolveBody) =>
      tenantTx(ctx, async (tx) => {
        const rows = await tx.db
          .select()
          .from(alerts)
          .where(alertResource.where(ctx, inArray(alerts.id, body.ids)))
          .for('update');
        const found = new Map(rows.map((row) => [row.id, row]));
        const missing = body.ids
          .map((id, i) => ({ id, i }))
          .filter(({ id }) => !found.has(id))
          .map(({ i }) => ({ path: `/body/ids/${i}`, message: 'no such alert' }));
        if (missing.length) throw validationFailed(missing, 'Some alerts do not exist.');
        const resolved: string[] = [];
        const already: string[] = [];
        for (const id of body.ids) {
          const row = found.get(id)!;
          if (row.status === 'resolved') already.push(id);
          else {
            await setResolved(tx, ctx, row, body.resolution_note);
            resolved.push(id);
          }
        }
        return { resolved, already_resolved: already };
      }),
  };
}

export type AlertsService = ReturnType<typeof createAlertsService>;
