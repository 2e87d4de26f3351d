import { and, asc, count, eq, isNotNull, isNull, sql } from 'drizzle-orm';
import { lockForTransaction } from '../../../platform/db/advisory-lock.js';
import type { TenantDatabase } from '../../../platform/db/types.js';
import { validationFailed } from '../../../platform/http/errors.js';
import { defineResource, envelope, tenantTxOf, type CallContext } from '../../../platform/resource/index.js';
import { isTimeZone } from '../../../lib/cron.js';
import { setUserNotificationOverrides, tenantSettingsOf, userMailFacts } from '../../identity/index.js';
import { notificationPreferences, notifications } from '../notify.tables.js';
import { dropUnwantedDigests } from './digest.js';
import type {
  Notification,
  NotificationListQuery,
  PreferenceRule,
  UpdatePreferencesBody,
} from './notifications.schemas.js';

type Row = typeof notifications.$inferSelect;

const toJson = (row: Row): Notification => ({
  id: row.id,
  alert_id: row.alertId,
  type: row.type,
  severity: row.severity,
  title: row.title,
  body: row.body,
  read: row.readAt !== null,
  read_at: row.readAt?.toISOString() ?? null,
  created_at: row.createdAt.toISOString(),
});

/** A user's inbox: only their own in-app notifications, whatever their role's scope. */
const inbox = defineResource({
  table: notifications,
  name: 'Notification',
  tenantId: notifications.tenantId,
  id: notifications.id,
  scope: (ctx) => and(eq(notifications.userId, ctx.principal.userId), eq(notifications.inApp, true)),
  sorts: { created_at: notifications.createdAt },
});

export function createNotificationsService(deps: { db: TenantDatabase }) {
  const tenantTx = tenantTxOf(deps);

  async function preferences(ctx: CallContext) {
    return tenantTx(ctx, async (tx) => {
      const settings = await tenantSettingsOf(tx, ctx.tenantId);
      const user = (await userMailFacts(tx, ctx.tenantId, [ctx.principal.userId])).get(ctx.principal.userId);
      const rows = await tx.db
        .select()
        .from(notificationPreferences)
        .where(
          and(
            eq(notificationPreferences.tenantId, ctx.tenantId),
            eq(notificationPreferences.userId, ctx.principal.userId),
          ),
        )
        .orderBy(asc(notificationPreferences.alertType), asc(notificationPreferences.severity));
      return {
        time_zone: user?.timeZone ?? null,
        effective_time_zone: user?.timeZone ?? settings.time_zone,
        own_digest_hour: user?.digestHour ?? null,
        digest_hour: user?.digestHour ?? settings.notification_digest_hour,
        rules: rows.map((r): PreferenceRule => ({
          alert_type: r.alertType,
          severity: r.severity as PreferenceRule['severity'],
          in_app: r.inApp,
          email: r.email,
        })),
      };
    });
  }

  return {
    /** Unread first (`unread` sorts before read), newest first within each. */
    list: (ctx: CallContext, q: NotificationListQuery) =>
      tenantTx(ctx, async (tx) =>
        envelope(
          'notifications',
          await inbox.list(tx, ctx, q, {
            where: [
              q.unread === true
                ? isNull(notifications.readAt)
                : q.unread === false
                  ? isNotNull(notifications.readAt)
                  : undefined,
              q.type ? eq(notifications.type, q.type) : undefined,
              q.severity ? eq(notifications.severity, q.severity) : undefined,
            ],
            order: [
              sql`${notifications.readAt} is not null`,
              q.sort === 'created_at' ? asc(notifications.createdAt) : sql`${notifications.createdAt} desc`,
              sql`${notifications.id} desc`,
            ],
          }),
          toJson,
        ),
      ),

    unreadCount: (ctx: CallContext) =>
      tenantTx(ctx, async (tx) => {
        const [row] = await tx.db
          .select({ n: count() })
          .from(notifications)
          .where(inbox.where(ctx, isNull(notifications.readAt)));
        return { unread: Number(row?.n ?? 0) };
      }),

    /** Marking a read notification read again is harmless (it keeps its first read time). */
    markRead: (ctx: CallContext, id: string) =>
      tenantTx(ctx, async (tx) => {
        const row = await inbox.find(tx, ctx, id, { lock: true });
        if (row.readAt) return toJson(row);
        const [updated] = await tx.db
          .update(notifications)
          .set({ readAt: new Date() })
          .where(and(eq(notifications.tenantId, ctx.tenantId), eq(notifications.id, id)))
          .returning();
        return toJson(updated!);
      }),

    markAllRead: (ctx: CallContext) =>
      tenantTx(ctx, async (tx) => {
        const rows = await tx.db
          .update(notifications)
          .set({ readAt: new Date() })
          .where(inbox.where(ctx, isNull(notifications.readAt)))
          .returning({ id: notifications.id });
        return { marked: rows.length };
      }),

    remove: (ctx: CallContext, id: string) =>
      tenantTx(ctx, async (tx) => {
        await inbox.find(tx, ctx, id, { lock: true });
        await tx.db
          .delete(notifications)
          .where(and(eq(notifications.tenantId, ctx.tenantId), eq(notifications.id, id)));
      }),

    preferences,

    updatePreferences: async (ctx: CallContext, body: UpdatePreferencesBody) => {
      if (body.time_zone && !isTimeZone(body.time_zone))
        throw validationFailed([{ path: '/body/time_zone', message: 'must be an IANA time zone' }]);
      const seen = new Set<string>();
      const duplicates = (body.rules ?? []).flatMap((rule, i) => {
        const key = `${rule.alert_type}|${rule.severity}`;
        const dup = seen.has(key);
        seen.add(key);
        return dup
          ? [{ path: `/body/rules/${i}`, message: 'repeats the alert type and severity of an earlier rule' }]
          : [];
      });
      if (duplicates.length) throw validationFailed(duplicates);
      await tenantTx(ctx, async (tx) => {
        // Replacements of one user's rules run one after the other: two at once would both delete,
        // then both insert, and the second insert would meet the first's rows (a 409).
        await lockForTransaction(tx, `${ctx.tenantId}:notification-preferences:${ctx.principal.userId}`);
        await setUserNotificationOverrides(tx, ctx.tenantId, ctx.principal.userId, {
          timeZone: body.time_zone,
          digestHour: body.digest_hour,
        });
        if (body.rules) {
          const mine = and(
            eq(notificationPreferences.tenantId, ctx.tenantId),
            eq(notificationPreferences.userId, ctx.principal.userId),
          );
          await tx.db.delete(notificationPreferences).where(mine);
          const rows = body.rules.map((rule) => ({
            tenantId: ctx.tenantId,
            userId: ctx.principal.userId,
            alertType: rule.alert_type,
            severity: rule.severity,
            inApp: rule.in_app,
            email: rule.email,
          }));
          if (rows.length) await tx.db.insert(notificationPreferences).values(rows);
          await dropUnwantedDigests(tx, ctx.tenantId, ctx.principal.userId, rows);
        }
      });
      return preferences(ctx);
    },
  };
}

export type NotificationsService = ReturnType<typeof createNotificationsService>;
