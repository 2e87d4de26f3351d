import { and, asc, eq, inArray } from 'drizzle-orm';
import { defineJob } from '../../../platform/jobs/index.js';
import type { Tx } from '../../../platform/db/types.js';
import type { Platform } from '../../../platform/module.js';
import { localParts } from '../../../lib/cron.js';
import { activeTenantIds, tenantSettingsOf, userMailFacts } from '../../identity/index.js';
import { notifications } from '../notify.tables.js';
import { deliveryFor, type PreferenceRule } from './deliver.js';

/** Hourly: mails each user whose local hour is their digest hour their waiting alerts, in one message. */
export const emailDigestJob = defineJob<Record<string, never>>('notify.email-digest');

type Deps = Pick<Platform, 'db' | 'system' | 'mailer'>;

/**
 * Whether the digest hour began within the hour before `now` on the user's wall clock. On a day the
 * clocks skip that hour (spring forward) the digest goes out at the first pass after it; on a day an
 * hour repeats (fall back) only the first of the two passes sends it.
 */
export function digestDue(now: Date, timeZone: string, hour: number): boolean {
  const wall = (at: Date) => {
    const p = localParts(at, timeZone);
    return {
      day: Date.UTC(p.year, p.month - 1, p.day),
      at: Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute),
    };
  };
  const current = wall(now);
  const previous = wall(new Date(now.getTime() - 3_600_000));
  const target = current.day + hour * 3_600_000;
  return previous.at < target && target <= current.at;
}

/**
 * Sends the daily digests due at `now`, tenant by tenant: every user with notifications waiting for
 * a digest whose local hour (their time zone, else the tenant's) is their digest hour (their own,
 * else the tenant's `notification_digest_hour`) gets one mail listing them, and they are marked
 * sent in the same transaction as the outbox row, before it is written (so two runs at once mail
 * each alert once). Returns the number of digests written. Running it twice in the hour sends
 * nothing new.
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
        if (!digestDue(now, zone, hour)) continue;
        // Claimed before the mail is written: a run beside this one (the hourly tick and a "run
        // now") finds the rows no longer waiting once this transaction commits, and mails nothing.
        const claimed = await tx.db
          .update(notifications)
          .set({ emailStatus: 'sent' })
          .where(
            and(
              eq(notifications.tenantId, tenantId),
              eq(notifications.emailStatus, 'digest'),
              inArray(
                notifications.id,
                waiting.filter((n) => n.userId === userId).map((n) => n.id),
              ),
            ),
          )
          .returning({
            severity: notifications.severity,
            title: notifications.title,
            at: notifications.createdAt,
          });
        if (!claimed.length || !user.active) continue;
        const lines = claimed
          .sort((a, b) => a.at.getTime() - b.at.getTime())
          .map((n) => `- [${n.severity}] ${n.title}`);
        await deps.mailer.send(
          {
            to: user.email,
            subject: `Your alerts digest: ${claimed.length} alert${claimed.length === 1 ? '' : 's'}`,
            text: `Alerts since your last digest:\n\n${lines.join('\n')}\n`,
          },
          { tx, tenantId },
        );
        count += 1;
      }
      return count;
    });
  }
  return sent;
}

/**
 * After a user's rules change, the alerts waiting for their digest that the new rules would not
 * e-mail wait no more: turning e-mail off stops the digest too. An alert whose rule now says
 * `immediate` stays in the digest, so it is still mailed once.
 */
export async function dropUnwantedDigests(
  tx: Tx,
  tenantId: string,
  userId: string,
  rules: readonly PreferenceRule[],
): Promise<void> {
  const waiting = await tx.db
    .select({ id: notifications.id, type: notifications.type, severity: notifications.severity })
    .from(notifications)
    .where(
      and(
        eq(notifications.tenantId, tenantId),
        eq(notifications.userId, userId),
        eq(notifications.emailStatus, 'digest'),
      ),
    );
  const unwanted = waiting.filter((n) => deliveryFor(rules, n.type, n.severity).email === 'off');
  if (unwanted.length)
    await tx.db
      .update(notifications)
      .set({ emailStatus: null })
      .where(
        and(
          eq(notifications.tenantId, tenantId),
          inArray(
            notifications.id,
            unwanted.map((n) => n.id),
          ),
        ),
      );
}
