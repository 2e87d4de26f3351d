import { and, desc, eq, gte, isNull, sql } from 'drizzle-orm';
import { selectRows } from '../../../platform/db/rows.js';
import type { TenantDatabase } from '../../../platform/db/types.js';
import { iso, invalidCursor, tenantReadOf, type CallContext } from '../../../platform/resource/index.js';
import { customerInScope } from '../scope.js';
import { healthScores } from '../tables/health.tables.js';
import { checkRange, tenantToday } from './common.js';
import { localDayStart } from './interaction-rules.js';
import { titleOf } from './timeline-titles.js';
import {
  TIMELINE_KINDS,
  type HealthHistory,
  type HealthHistoryQuery,
  type Timeline,
  type TimelineKind,
  type TimelineQuery,
} from './timeline.schemas.js';
import { timelinePage, type TimelineKey } from './timeline.sql.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const KEY_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;

const encodeKey = (key: TimelineKey) =>
  Buffer.from(JSON.stringify([key.at, key.kind, key.id])).toString('base64url');

/** The position a cursor names; anything the timeline did not issue is 422 `INVALID_CURSOR`. */
function decodeKey(cursor: string): TimelineKey {
  let parts: unknown;
  try {
    if (!/^[A-Za-z0-9_-]+$/.test(cursor)) throw new Error('not base64url');
    parts = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw invalidCursor();
  }
  if (!Array.isArray(parts) || parts.length !== 3) throw invalidCursor();
  const [at, kind, id] = parts as unknown[];
  if (typeof at !== 'string' || !KEY_TIME.test(at) || Number.isNaN(Date.parse(at))) throw invalidCursor();
  if (typeof kind !== 'string' || !(TIMELINE_KINDS as readonly string[]).includes(kind))
    throw invalidCursor();
  if (typeof id !== 'string' || !UUID.test(id)) throw invalidCursor();
  return { at, kind, id };
}

interface EventRow {
  kind: TimelineKind;
  id: string;
  refId: string;
  data: Record<string, unknown>;
  key: string;
}

/** The customer's timeline and health history, for customers in the caller's data scope (else 404). */
export function createTimelineService(deps: { db: TenantDatabase }) {
  const tenantRead = tenantReadOf(deps);

  return {
    timeline(ctx: CallContext, customerId: string, query: TimelineQuery): Promise<Timeline> {
      const after = query.cursor ? decodeKey(query.cursor) : undefined;
      return tenantRead(ctx, async (tx) => {
        await customerInScope(tx, ctx.principal, customerId);
        const { today, timeZone } = await tenantToday(tx, ctx.tenantId);
        const scope = { tenantId: ctx.tenantId, customerId, timeZone, today, principal: ctx.principal };
        const rows = await selectRows<EventRow>(
          tx,
          timelinePage(scope, { after, kind: query.kind, limit: query.limit }),
        );
        const more = rows.length > query.limit;
        if (more) rows.length = query.limit;
        const last = rows.at(-1);
        return {
          customer_id: customerId,
          events: rows.map((row) => ({
            kind: row.kind,
            occurred_at: new Date(row.key).toISOString(),
            ...titleOf(row.kind, row.data),
            ref_id: row.refId,
            data: row.data,
          })),
          limit: query.limit,
          next_cursor: more && last ? encodeKey({ at: last.key, kind: last.kind, id: last.id }) : null,
        };
      });
    },

    /** Customer-level scores (not a deployment's), the newest `limit` in the period, oldest first. */
    healthHistory(ctx: CallContext, customerId: string, query: HealthHistoryQuery): Promise<HealthHistory> {
      checkRange(query.date_from, query.date_to, '/query/date_to');
      return tenantRead(ctx, async (tx) => {
        await customerInScope(tx, ctx.principal, customerId);
        const { timeZone } = await tenantToday(tx, ctx.tenantId);
        const h = healthScores;
        const rows = await tx.db
          .select()
          .from(h)
          .where(
            and(
              eq(h.tenantId, ctx.tenantId),
              eq(h.customerId, customerId),
              isNull(h.deploymentId),
              query.date_from ? gte(h.calculatedAt, localDayStart(query.date_from, timeZone)) : undefined,
              query.date_to
                ? sql`${h.calculatedAt} < ${localDayStart(query.date_to, timeZone)} + interval '1 day'`
                : undefined,
            ),
          )
          .orderBy(desc(h.calculatedAt), desc(h.id))
          .limit(query.limit);
        const [current] = await selectRows<{ score: number | null; risk: string | null; at: Date | null }>(
          tx,
          sql`select health_score as score, health_risk as risk, health_scored_at as at
            from customers where tenant_id = ${ctx.tenantId} and id = ${customerId}`,
        );
        return {
          customer_id: customerId,
          date_from: query.date_from ?? null,
          date_to: query.date_to ?? null,
          current: {
            health_score: current?.score ?? null,
            health_risk: (current?.risk ?? null) as HealthHistory['current']['health_risk'],
            health_scored_at: current?.at ? iso(new Date(current.at)) : null,
          },
          history: rows.reverse().map((r) => ({
            id: r.id,
            calculated_at: r.calculatedAt.toISOString(),
            overall_score: r.overallScore,
            adoption_score: r.adoptionScore,
            support_score: r.supportScore,
            engagement_score: r.engagementScore,
            financial_score: r.financialScore,
            risk_level: r.riskLevel,
            trend: r.trend,
            factors: r.factors,
          })),
        };
      });
    },
  };
}

export type TimelineService = ReturnType<typeof createTimelineService>;
