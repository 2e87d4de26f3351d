import { and, asc, eq, inArray } from 'drizzle-orm';
import { defineJob } from '../../../platform/jobs/index.js';
import type { Platform } from '../../../platform/module.js';
import { localParts } from '../../../lib/cron.js';
import { activeTenantIds, tenantSettingsOf, userMailFacts } from '../../identity/index.js';
import { notifications } from '../notify.tables.js';

/** Hourly: mails each user whose local hour is their digest hour their waiting alerts, in one message. */
export const emailDigestJob = defineJob<Record<string, never>>('notify.email-digest');

type Deps = Pick<Platform, 'db' | 'system' | 'mailer'>;

/**
 * Sends the daily digests due at `now`, tenant by tenant: every user with notifications waiting for
 * a digest whose local hour (their time zone, else the tenant's) is their digest hour (their own,
 * else the tenant's `notification_digest_hour`) gets one mail listing them, and they are marked
 * sent in the same transaction as the outbox row.
 * Returns the number of digests written. Running it twice in the hour sends nothing new.
 */
export async function sendDigests(deps: Deps, now = new Date()): Promise<number> {
  const tenants = await deps.system.crossTenantJob(emailDigestJob.name, (tx) => activeTenantIds(tx));
  let sent = 0;
  for (const tenantId of tenants) {
    sent += await deps.db.withTenant({ tenantId }, async (tx) => {
      const settings = await tenantSettingsOf(tx, tenantId);
      const waiting = await tx.db
        .select()
        .from(notifications)
        .where(and(eq(notifications.tenantId, tenantId), eq(notifications.emailStatus, 'digest')))
        .orderBy(asc(notifications.userId), asc(notifications.createdAt));
      if (!waiting.length) return 0;
      const users = await userMailFacts(
        tx,
        tenantId,
        waiting.map((n) => n.userId),
      );
      let count = 0;
      for (const [userId, user] of users) {
        const zone = user.timeZone ?? settings.time_zone;
        const hour = user.digestHour ?? settings.notification_digest_hour;
        if (localParts(now, zone).hour !== hour) continue;
        const mine = waiting.filter((n) => n.userId === userId);
        if (user.active) {
          const lines = mine.map((n) => `- [${n.severity}] ${n.title}`);
          await deps.mailer.send(
            {
              to: user.email,
              subject: `Your alerts digest: ${mine.length} alert${mine.length === 1 ? '' : 's'}`,
              text: `Alerts since your last digest:\n\n${lines.join('\n')}\n`,
            },
            { tx, tenantId },
          );
          count += 1;
        }
        await tx.db
          .update(notifications)
          .set({ emailStatus: 'sent' })
          .where(
            and(
              eq(notifications.tenantId, tenantId),
              inArray(
                notifications.id,
                mine.map((n) => n.id),
              ),
            ),
          );
      }
      return count;
    });
  }
  return sent;
}
