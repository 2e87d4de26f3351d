import { and, eq, inArray } from 'drizzle-orm';
import type { Tx } from '../../../platform/db/types.js';
import type { Mailer } from '../../../platform/mail/index.js';
import type { Realtime } from '../../../platform/realtime/index.js';
import { userMailFacts, usersCoveringOwner } from '../../identity/index.js';
import { notificationPreferences, notifications, type alerts, type EmailMode } from '../notify.tables.js';

type AlertRow = typeof alerts.$inferSelect;
type PreferenceRow = typeof notificationPreferences.$inferSelect;

export interface Delivery {
  inApp: boolean;
  email: EmailMode;
}

/** With no preference row, alerts arrive in the inbox only. */
export const DEFAULT_DELIVERY: Delivery = { inApp: true, email: 'off' };

/** The most specific of a user's rows for this type and severity: exact, type, severity, then `*`/`*`. */
export function deliveryFor(rows: readonly PreferenceRow[], type: string, severity: string): Delivery {
  const rank = (row: PreferenceRow) =>
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
  realtime: Pick<Realtime, 'publish'>;
}

/**
 * Tells the people an alert concerns: its assignee, or else the users whose role and data scope
 * cover its owner (`alerts:read`). Each gets an inbox row as their preferences say (in-app,
 * e-mail now, or e-mail in the daily digest), an event on `notifications`, and mail through the
 * outbox, all in the alert's transaction. `except` (who raised it by hand) is not told.
 */
export async function notifyAboutAlert(
  deps: DeliveryDeps,
  tx: Tx,
  alert: AlertRow,
  except?: string | null,
): Promise<string[]> {
  const candidates = alert.assigneeId
    ? [alert.assigneeId]
    : await usersCoveringOwner(tx, alert.tenantId, alert.ownerId, 'alerts:read');
  const recipients = candidates.filter((id) => id !== except);
  if (!recipients.length) return [];
  const prefs = await tx.db
    .select()
    .from(notificationPreferences)
    .where(
      and(
        eq(notificationPreferences.tenantId, alert.tenantId),
        inArray(notificationPreferences.userId, recipients),
      ),
    );
  const facts = await userMailFacts(tx, alert.tenantId, recipients);
  const told: string[] = [];
  for (const userId of recipients) {
    const user = facts.get(userId);
    if (!user?.active) continue;
    const delivery = deliveryFor(
      prefs.filter((p) => p.userId === userId),
      alert.type,
      alert.severity,
    );
    if (!delivery.inApp && delivery.email === 'off') continue;
    const [row] = await tx.db
      .insert(notifications)
      .values({
        tenantId: alert.tenantId,
        userId,
        alertId: alert.id,
        type: alert.type,
        severity: alert.severity,
        title: alert.title,
        body: alert.description,
        inApp: delivery.inApp,
        emailStatus: delivery.email === 'digest' ? 'digest' : delivery.email === 'immediate' ? 'sent' : null,
      })
      .onConflictDoNothing()
      .returning();
    if (!row) continue;
    told.push(userId);
    if (delivery.inApp) {
      await deps.realtime.publish(
        {
          tenantId: alert.tenantId,
          topic: 'notifications',
          userId,
          data: {
            id: row.id,
            alert_id: alert.id,
            type: alert.type,
            severity: alert.severity,
            title: alert.title,
          },
        },
        { tx },
      );
    }
    if (delivery.email === 'immediate') {
      await deps.mailer.send(
        {
          to: user.email,
          subject: `[${alert.severity}] ${alert.title}`,
          text: `${alert.title}\n\n${alert.description ?? ''}\n\nType: ${alert.type}, severity: ${alert.severity}.`.trim(),
        },
        { tx, tenantId: alert.tenantId },
      );
    }
  }
  return told;
}
