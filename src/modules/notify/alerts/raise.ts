import type { Tx } from '../../../platform/db/types.js';
import type { AlertCheck, RaisedAlert } from '../../../platform/module.js';
import { alerts } from '../notify.tables.js';
import { notifyAboutAlert, type DeliveryDeps } from '../notifications/deliver.js';

export type AlertRow = typeof alerts.$inferSelect;

/** The key that makes a check's alert unique per type, entity and (tenant-local) day. */
export const dedupKeyOf = (type: string, alert: Pick<RaisedAlert, 'entityType' | 'entityId'>, day: string) =>
  `${type}:${alert.entityType}:${alert.entityId}:${day}`;

/**
 * Inserts an alert and tells the people it concerns, in the caller's transaction. With a dedup key
 * an alert already raised under that key wins: nothing is inserted and null is returned.
 */
export async function raiseAlert(
  deps: DeliveryDeps,
  tx: Tx,
  input: RaisedAlert & {
    tenantId: string;
    type: string;
    source: string;
    dedupKey?: string;
    createdBy?: string;
  },
): Promise<AlertRow | null> {
  const [row] = await tx.db
    .insert(alerts)
    .values({
      tenantId: input.tenantId,
      type: input.type,
      severity: input.severity,
      title: input.title,
      description: input.description ?? null,
      entityType: input.entityType,
      entityId: input.entityId,
      customerId: input.customerId ?? null,
      ownerId: input.ownerId ?? null,
      assigneeId: input.assigneeId ?? null,
      source: input.source,
      dedupKey: input.dedupKey ?? null,
      createdBy: input.createdBy ?? null,
    })
    .onConflictDoNothing({ target: [alerts.tenantId, alerts.dedupKey] })
    .returning();
  if (!row) return null;
  await notifyAboutAlert(deps, tx, row, input.createdBy);
  await publishAlertChange(deps, tx, row);
  return row;
}

/** An event on `alerts` for an alert about an owned record (ownerless alerts have no scope to check). */
export async function publishAlertChange(deps: DeliveryDeps, tx: Tx, row: AlertRow): Promise<void> {
  if (!row.ownerId) return;
  await deps.realtime.publish(
    {
      tenantId: row.tenantId,
      topic: 'alerts',
      ownerId: row.ownerId,
      data: { id: row.id, status: row.status, type: row.type, severity: row.severity },
    },
    { tx },
  );
}

/** Reopens every snoozed alert whose time has come, in every tenant; returns how many. */
export async function reopenSnoozed(tx: Tx, now: Date): Promise<number> {
  const { rows } = await tx.sql.query<{ n: number }>(
    `with reopened as (
       update alerts set status = 'open', snoozed_until = null, updated_at = $1
       where status = 'snoozed' and snoozed_until <= $1 returning 1)
     select count(*)::int as n from reopened`,
    [now],
  );
  return rows[0]?.n ?? 0;
}

/**
 * Raises an alert a module's check would raise, at the moment the event happens (an escalation is
 * logged, a low CSAT response arrives), in the event's transaction: the same type, source and
 * per-day dedup key as the check's, so the check's next run does not raise it again.
 */
export async function raiseCheckAlert(
  deps: DeliveryDeps,
  tx: Tx,
  check: Pick<AlertCheck, 'name' | 'type'>,
  alert: RaisedAlert & { tenantId: string; today: string },
): Promise<AlertRow | null> {
  const { today, ...rest } = alert;
  return raiseAlert(deps, tx, {
    ...rest,
    type: check.type,
    source: check.name,
    dedupKey: dedupKeyOf(check.type, alert, today),
  });
}
