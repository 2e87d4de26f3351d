import { and, eq, inArray } from 'drizzle-orm';
import type { Tx } from '../../../platform/db/types.js';
import type { Mailer } from '../../../platform/mail/index.js';
import type { Realtime } from '../../../platform/realtime/index.js';
import { userMailFacts, usersCoveringOwners } from '../../identity/index.js';
import { notificationPreferences, notifications, type alerts, type EmailMode } from '../notify.tables.js';

type AlertRow = typeof alerts.$inferSelect;
/** What choosing a delivery reads of a preference row. */
export type PreferenceRule = Pick<
  typeof notificationPreferences.$inferSelect,
  'alertType' | 'severity' | 'inApp' | 'email'
>;

export interface Delivery {
  inApp: boolean;
  email: EmailMode;
}

/** With no preference row, alerts arrive in the inbox only. */
export const DEFAULT_DELIVERY: Delivery = { inApp: true, email: 'off' };

/** The most specific of a user's rows for this type and severity: exact, type, severity, then `*`/`*`. */
export function deliveryFor(rows: readonly PreferenceRule[], type: string, severity: string): Delivery {
  const rank = (row: PreferenceRule) =>
    (row.alertType === type ? 2 : row.alertType === '*' ? 0 : -10) +
    (row.severity === severity ? 1 : row.severity === '*' ? 0 : -10);
  const best = rows
    .map((row) => ({ row, score: rank(row) }))
    .filter(({ score }) => score >= 0)
    .sort((a, b) => b.score - a.score)[0];
  return best ? { inApp: best.row.inApp, email: best.row.email } : DEFAULT_DELIVERY;
}

export interface DeliveryDeps {
  mailer: Pick<Mailer, 'send'>;
  realtime: Pick<Realtime, 'publishMany'>;
}

type NotificationValues = typeof notifications.$inferInsert;

/** Rows per INSERT: well under the 65,535 bind parameters a statement may carry. */
const INSERT_CHUNK = 2_000;

/**
 * Tells the people each alert concerns: its assignee, or else the users whose role and data scope
 * cover its owner (`alerts:read`); never the user who raised it by hand (`created_by`). Each gets an
 * inbox row as their preferences say (in-app, e-mail now, or e-mail in the daily digest), an event
 * on `notifications`, and mail through the outbox, all in the alerts' transaction. Set-based: a
 * check that raises thousands of alerts costs a handful of statements per thousand, not per alert.
 * Returns who was told, by alert id.
 */
export async function notifyAboutAlerts(
  deps: DeliveryDeps,
  tx: Tx,
  rows: readonly AlertRow[],
): Promise<Map<string, string[]>> {
  const told = new Map<string, string[]>(rows.map((row) => [row.id, []]));
  const tenantId = rows[0]?.tenantId;
  if (!tenantId) return told;
  if (rows.some((row) => row.tenantId !== tenantId))
    throw new Error('notifyAboutAlerts: one tenant at a time');
  const covering = await usersCoveringOwners(
    tx,
    tenantId,
    rows.filter((row) => !row.assigneeId).map((row) => row.ownerId),
    'alerts:read',
  );
  const recipientsOf = (row: AlertRow) =>
    (row.assigneeId ? [row.assigneeId] : (covering.get(row.ownerId) ?? [])).filter(
      (id) => id !== row.createdBy,
    );
  const userIds = [...new Set(rows.flatMap(recipientsOf))];
  if (!userIds.length) return told;
  const prefs = await tx.db
    .select()
    .from(notificationPreferences)
    .where(
      and(eq(notificationPreferences.tenantId, tenantId), inArray(notificationPreferences.userId, userIds)),
    );
  const prefsOf = new Map<string, PreferenceRule[]>();
  for (const p of prefs) prefsOf.set(p.userId, [...(prefsOf.get(p.userId) ?? []), p]);
  const facts = await userMailFacts(tx, tenantId, userIds);

  const planned: { row: AlertRow; values: NotificationValues; email: EmailMode; to: string }[] = [];
  for (const row of rows) {
    for (const userId of recipientsOf(row)) {
      const user = facts.get(userId);
      if (!user?.active) continue;
      const delivery = deliveryFor(prefsOf.get(userId) ?? [], row.type, row.severity);
      if (!delivery.inApp && delivery.email === 'off') continue;
      planned.push({
        row,
        email: delivery.email,
        to: user.email,
        values: notificationOf(row, userId, delivery),
      });
    }
  }
  const byKey = new Map(planned.map((p) => [`${p.values.alertId}:${p.values.userId}`, p]));
  for (let i = 0; i < planned.length; i += INSERT_CHUNK) {
    const inserted = await tx.db
      .insert(notifications)
      .values(planned.slice(i, i + INSERT_CHUNK).map((p) => p.values))
      .onConflictDoNothing()
      .returning({ id: notifications.id, userId: notifications.userId, alertId: notifications.alertId });
    const events = [];
    for (const { id, userId, alertId } of inserted) {
      const { row, values, email, to } = byKey.get(`${alertId}:${userId}`)!;
      told.get(row.id)!.push(userId);
      if (values.inApp) events.push(notificationEvent(row, userId, id));
      if (email === 'immediate') await deps.mailer.send(alertMail(row, to), { tx, tenantId });
    }
    await deps.realtime.publishMany(events, { tx });
  }
  return told;
}

function notificationOf(alert: AlertRow, userId: string, delivery: Delivery): NotificationValues {
  return {
    tenantId: alert.tenantId,
    userId,
    alertId: alert.id,
    type: alert.type,
    severity: alert.severity,
    title: alert.title,
    body: alert.description,
    inApp: delivery.inApp,
    emailStatus: delivery.email === 'digest' ? 'digest' : delivery.email === 'immediate' ? 'sent' : null,
  };
}

function notificationEvent(alert: AlertRow, userId: string, id: string) {
  return {
    tenantId: alert.tenantId,
    topic: 'notifications',
    userId,
    data: { id, alert_id: alert.id, type: alert.type, severity: alert.severity, title: alert.title },
  };
}

function alertMail(alert: AlertRow, to: string) {
  return {
    to,
    subject: `[${alert.severity}] ${alert.title}`,
    text: `${alert.title}\n\n${alert.description ?? ''}\n\nType: ${alert.type}, severity: ${alert.severity}.`.trim(),
  };
}
