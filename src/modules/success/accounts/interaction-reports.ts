import { count, eq, gt, isNull, lt, sql } from 'drizzle-orm';
import type { TenantDatabase } from '../../../platform/db/types.js';
import { envelope, tenantReadOf, type CallContext } from '../../../platform/resource/index.js';
import { customerInteractions } from '../tables/interactions.tables.js';
import { addDays, checkRange, daysBetween, tenantToday } from './common.js';
import {
  INTERACTION_FIELDS,
  interactionConditions,
  interactionResource,
  toInteractionJson,
} from './interaction-rules.js';
import {
  SENTIMENT_KEYS,
  TYPE_KEYS,
  type InteractionSummary,
  type PendingFollowUp,
  type PendingFollowUpQuery,
  type SummaryQuery,
} from './interactions.schemas.js';

const t = customerInteractions;

/** Counts over a period and the follow-ups waiting, both within the caller's data scope. */
export function createInteractionReports(deps: { db: TenantDatabase }) {
  const tenantRead = tenantReadOf(deps);

  return {
    /** Interactions per type and per sentiment over tenant-local days (default: the last 30). */
    summary(ctx: CallContext, query: SummaryQuery): Promise<InteractionSummary> {
      return tenantRead(ctx, async (tx) => {
        const { today, timeZone } = await tenantToday(tx, ctx.tenantId);
        const dateTo = query.date_to ?? today;
        const dateFrom = query.date_from ?? addDays(dateTo, -29);
        checkRange(dateFrom, dateTo, query.date_to ? '/query/date_to' : '/query/date_from');
        const rows = await tx.db
          .select({
            type: t.interactionType,
            sentiment: t.sentiment,
            n: count(),
            pending: sql<number>`count(*) filter (where ${t.followUpRequired} and ${t.followUpCompletedAt} is null)`,
          })
          .from(t)
          .where(
            interactionResource.where(
              ctx,
              ...interactionConditions(
                { date_from: dateFrom, date_to: dateTo, customer_id: query.customer_id },
                timeZone,
              ),
            ),
          )
          .groupBy(t.interactionType, t.sentiment);
        const byType = Object.fromEntries(TYPE_KEYS.map((k) => [k, 0])) as Record<string, number>;
        const bySentiment = Object.fromEntries(SENTIMENT_KEYS.map((k) => [k, 0])) as Record<string, number>;
        let total = 0;
        let pending = 0;
        for (const row of rows) {
          const n = Number(row.n);
          byType[row.type] = (byType[row.type] ?? 0) + n;
          bySentiment[row.sentiment] = (bySentiment[row.sentiment] ?? 0) + n;
          total += n;
          pending += Number(row.pending);
        }
        return {
          date_from: dateFrom,
          date_to: dateTo,
          total,
          by_type: byType,
          by_sentiment: bySentiment,
          follow_ups_pending: pending,
        };
      });
    },

    /**
     * Follow-ups required and not done, soonest date first (undated last), each classified against
     * the tenant's today: overdue, due, upcoming or unscheduled.
     */
    pendingFollowUps(ctx: CallContext, query: PendingFollowUpQuery) {
      return tenantRead(ctx, async (tx) => {
        const { today } = await tenantToday(tx, ctx.tenantId);
        const byStatus = {
          overdue: lt(t.followUpDate, today),
          due: eq(t.followUpDate, today),
          upcoming: gt(t.followUpDate, today),
          unscheduled: isNull(t.followUpDate),
        };
        const page = await interactionResource.list<{ customerName: string }>(
          tx,
          ctx,
          { ...query, sort: 'follow_up_date' },
          {
            where: [
              eq(t.followUpRequired, true),
              isNull(t.followUpCompletedAt),
              query.customer_id ? eq(t.customerId, query.customer_id) : undefined,
              query.performed_by ? eq(t.performedBy, query.performed_by) : undefined,
              query.status ? byStatus[query.status] : undefined,
            ],
            fields: INTERACTION_FIELDS,
          },
        );
        return envelope('interactions', page, (row): PendingFollowUp => {
          const overdue = row.followUpDate === null ? null : daysBetween(row.followUpDate, today);
          return {
            ...toInteractionJson(row),
            follow_up_status:
              overdue === null ? 'unscheduled' : overdue > 0 ? 'overdue' : overdue === 0 ? 'due' : 'upcoming',
            days_overdue: overdue,
          };
        });
      });
    },
  };
}

export type InteractionReports = ReturnType<typeof createInteractionReports>;
