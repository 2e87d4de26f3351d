import { count, desc, eq, gte, isNotNull, sql } from 'drizzle-orm';
import type { AnyPgColumn } from 'drizzle-orm/pg-core';
import type { TenantDatabase } from '../../../platform/db/types.js';
import { tenantTxOf, type CallContext } from '../../../platform/resource/index.js';
import { alerts } from '../notify.tables.js';
import { alertResource, toAlertJson } from './alerts.service.js';

const DAY_MS = 86_400_000;
const TREND_DAYS = 30;

const countsBy = (rows: { key: string | null; n: number }[]) =>
  Object.fromEntries(rows.map((row) => [row.key ?? '', Number(row.n)]));

/** The alerts dashboard and statistics, over the alerts the caller's data scope covers. */
export function createAlertStatsService(deps: { db: TenantDatabase }) {
  const tenantTx = tenantTxOf(deps);

  return {
    dashboard: (ctx: CallContext, now = new Date()) =>
      tenantTx(ctx, async (tx) => {
        const open = alertResource.where(ctx, eq(alerts.status, 'open'));
        const bySeverity = await tx.db
          .select({ key: alerts.severity, n: count() })
          .from(alerts)
          .where(open)
          .groupBy(alerts.severity);
        const byType = await tx.db
          .select({ key: alerts.type, n: count() })
          .from(alerts)
          .where(open)
          .groupBy(alerts.type);
        const critical = await tx.db
          .select()
          .from(alerts)
          .where(alertResource.where(ctx, eq(alerts.status, 'open'), eq(alerts.severity, 'critical')))
          .orderBy(desc(alerts.createdAt), desc(alerts.id))
          .limit(5);
        const today = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));
        const since = new Date(today.getTime() - (TREND_DAYS - 1) * DAY_MS);
        const day = (column: AnyPgColumn) => sql<string>`to_char(${column} at time zone 'UTC', 'YYYY-MM-DD')`;
        const raised = await tx.db
          .select({ key: day(alerts.createdAt), n: count() })
          .from(alerts)
          .where(alertResource.where(ctx, gte(alerts.createdAt, since)))
          .groupBy(day(alerts.createdAt));
        const resolved = await tx.db
          .select({ key: day(alerts.resolvedAt), n: count() })
          .from(alerts)
          .where(alertResource.where(ctx, gte(alerts.resolvedAt, since)))
          .groupBy(day(alerts.resolvedAt));
        const raisedBy = countsBy(raised);
        const resolvedBy = countsBy(resolved);
        const trend = Array.from({ length: TREND_DAYS }, (_, i) => {
          const date = new Date(since.getTime() + i * DAY_MS).toISOString().slice(0, 10);
          return { date, raised: raisedBy[date] ?? 0, resolved: resolvedBy[date] ?? 0 };
        });
        const openBySeverity = countsBy(bySeverity);
        return {
          open_total: Object.values(openBySeverity).reduce((a, b) => a + b, 0),
          open_by_severity: { low: 0, medium: 0, high: 0, critical: 0, ...openBySeverity },
          open_by_type: countsBy(byType),
          newest_critical: critical.map(toAlertJson),
          trend,
        };
      }),

    stats: (ctx: CallContext, now = new Date()) =>
      tenantTx(ctx, async (tx) => {
        const scoped = alertResource.where(ctx);
        const group = async (column: AnyPgColumn) =>
          countsBy(
            await tx.db.select({ key: column, n: count() }).from(alerts).where(scoped).groupBy(column),
          );
        const since = new Date(now.getTime() - 30 * DAY_MS);
        const [recent] = await tx.db
          .select({
            n: count(),
            hours: sql<
              string | null
            >`avg(extract(epoch from (${alerts.resolvedAt} - ${alerts.createdAt})) / 3600)`,
          })
          .from(alerts)
          .where(alertResource.where(ctx, isNotNull(alerts.resolvedAt), gte(alerts.resolvedAt, since)));
        const byStatus = await group(alerts.status);
        return {
          total: Object.values(byStatus).reduce((a, b) => a + b, 0),
          by_status: { open: 0, resolved: 0, snoozed: 0, ...byStatus },
          by_severity: { low: 0, medium: 0, high: 0, critical: 0, ...(await group(alerts.severity)) },
          by_type: await group(alerts.type),
          by_source: await group(alerts.source),
          resolved_last_30_days: Number(recent?.n ?? 0),
          mean_hours_to_resolve: recent?.hours == null ? null : Math.round(Number(recent.hours) * 100) / 100,
        };
      }),
  };
}

export type AlertStatsService = ReturnType<typeof createAlertStatsService>;
