import type { Tx } from '../../../platform/db/types.js';
import type { AlertCheck, RaisedAlert } from '../../../platform/module.js';
import { alerts } from '../notify.tables.js';
import { notifyAboutAlerts, type DeliveryDeps } from '../notifications/deliver.js';

export type AlertRow = typeof alerts.$inferSelect;

/** The key that makes a check's alert unique per type, entity and (tenant-local) day. */
export const dedupKeyOf = (type: string, alert: Pick<RaisedAlert, 'entityType' | 'entityId'>, day: string) =>
  `${type}:${alert.entityType}:${alert.entityId}:${day}`;

export type AlertToRaise = RaisedAlert & {
  tenantId: string;
  type: string;
  source: string;
  dedupKey?: string;
  createdBy?: string;
};

/** Alerts per INSERT (15 columns each: well under the bind-parameter limit). */
const RAISE_CHUNK = 1_000;

/**
 * Inserts alerts (one tenant's) and tells the people they concern, in the caller's transaction,
 * set-based. An alert whose dedup key was already raised is skipped; returns the alerts inserted.
 */
export async function raiseAlerts(
  deps: DeliveryDeps,
  tx: Tx,
  inputs: readonly AlertToRaise[],
): Promise<AlertRow[]> {
  const raised: AlertRow[] = [];
  for (let i = 0; i < inputs.length; i += RAISE_CHUNK) {
    const rows = await tx.db
      .insert(alerts)
      .values(inputs.slice(i, i + RAISE_CHUNK).map(alertValues))
      .onConflictDoNothing({ target: [alerts.tenantId, alerts.dedupKey] })
      .returning();
    if (!rows.length) continue;
    await notifyAboutAlerts(deps, tx, rows);
    await publishAlertChanges(deps, tx, rows);
    raised.push(...rows);
  }
  return raised;
}

/** One alert, as `raiseAlerts`: null when its dedup key was already raised. */
export async function raiseAlert(deps: DeliveryDeps, tx: Tx, input: AlertToRaise): Promise<AlertRow | null> {
  return (await raiseAlerts(deps, tx, [input]))[0] ?? null;
}

const alertValues = (input: AlertToRaise): typeof alerts.$inferInsert => ({
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
});

/** Events on `alerts` for the alerts about owned records (ownerless alerts have no scope to check). */
export async function publishAlertChanges(
  deps: DeliveryDeps,
  tx: Tx,
  rows: readonly AlertRow[],
): Promise<void> {
  const events = rows
    .filter((row) => row.ownerId)
    .map((row) => ({
      tenantId: row.tenantId,
      topic: 'alerts',
      ownerId: row.ownerId!,
      data: { id: row.id, status: row.status, type: row.type, severity: row.severity },
    }));
  await deps.realtime.publishMany(events, { tx });
}

/** An event on `alerts` for one changed alert (about an owned record). */
export const publishAlertChange = (deps: DeliveryDeps, tx: Tx, row: AlertRow) =>
  publishAlertChanges(deps, tx, [row]);

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
 * Raises alerts a module's check would raise, at the moment the events happen (an escalation is
 * logged, a low CSAT response arrives, a batch of scores is written), in the events' transaction:
 * the check's type, source and per-day dedup key, so the check's next run does not raise them
 * again. Set-based; returns the alerts inserted (those not raised already today).
 */
export async function raiseCheckAlerts(
  deps: DeliveryDeps,
  tx: Tx,
  check: Pick<AlertCheck, 'name' | 'type'>,
  at: { tenantId: string; today: string },
  found: readonly RaisedAlert[],
): Promise<AlertRow[]> {
  return raiseAlerts(
    deps,
    tx,
    found.map((alert) => ({
      ...alert,
      tenantId: at.tenantId,
      type: check.type,
      source: check.name,
      dedupKey: dedupKeyOf(check.type, alert, at.today),
    })),
  );
}

/** One alert, as `raiseCheckAlerts`: null when today's was raised already. */
export async function raiseCheckAlert(
  deps: DeliveryDeps,
  tx: Tx,
  check: Pick<AlertCheck, 'name' | 'type'>,
  alert: RaisedAlert & { tenantId: string; today: string },
): Promise<AlertRow | null> {
  const { today, tenantId, ...rest } = alert;
  return (await raiseCheckAlerts(deps, tx, check, { tenantId, today }, [rest]))[0] ?? null;
}
