import { and, count, desc, eq, isNull, sql } from 'drizzle-orm';
import { selectRows } from '../../../platform/db/rows.js';
import type { Tx } from '../../../platform/db/types.js';
import type { Principal } from '../../../platform/http/auth.js';
import { notFound, validationFailed } from '../../../platform/http/errors.js';
import { scopePredicate } from '../../../platform/resource/index.js';
import { healthScores } from '../tables/health.tables.js';
import { currentAccountSql } from './clock.js';
import type { AtRiskQuery, HistoryQuery, TrendsQuery } from './health.schemas.js';
import { addDays, daysBetween } from './score.js';

/** The longest range `GET /health-scores/trends` reads. */
export const MAX_TREND_DAYS = 400;

/** The instant tenant-local `day` begins, as SQL. */
const dayStart = (day: string, timeZone: string) => sql`(${day}::date::timestamp at time zone ${timeZone})`;

/** The customer's deployment (for a deployment's scores), else 404. */
export async function checkDeployment(tx: Tx, tenantId: string, customerId: string, deploymentId: string) {
  const [row] = await selectRows(
    tx,
    sql`select 1 from deployments where tenant_id = ${tenantId} and id = ${deploymentId} and customer_id = ${customerId}`,
  );
  if (!row) throw notFound('Deployment', 'DEPLOYMENT_NOT_FOUND');
}

const levelOf = (deploymentId: string | undefined) =>
  deploymentId ? eq(healthScores.deploymentId, deploymentId) : isNull(healthScores.deploymentId);

export async function latestScore(tx: Tx, tenantId: string, customerId: string, deploymentId?: string) {
  const [row] = await tx.db
    .select()
    .from(healthScores)
    .where(
      and(
        eq(healthScores.tenantId, tenantId),
        eq(healthScores.customerId, customerId),
        levelOf(deploymentId),
      ),
    )
    .orderBy(desc(healthScores.calculatedAt), desc(healthScores.id))
    .limit(1);
  if (!row) throw notFound('Health score', 'HEALTH_SCORE_NOT_FOUND');
  return row;
}

/** A customer's scores, newest first, optionally within tenant-local days `from`..`to`. */
export async function scoreHistory(
  tx: Tx,
  tenantId: string,
  customerId: string,
  timeZone: string,
  query: HistoryQuery,
) {
  const where = and(
    eq(healthScores.tenantId, tenantId),
    eq(healthScores.customerId, customerId),
    levelOf(query.deployment_id),
    query.from ? sql`${healthScores.calculatedAt} >= ${dayStart(query.from, timeZone)}` : undefined,
    query.to ? sql`${healthScores.calculatedAt} < ${dayStart(addDays(query.to, 1), timeZone)}` : undefined,
  );
  const rows = await tx.db
    .select()
    .from(healthScores)
    .where(where)
    .orderBy(desc(healthScores.calculatedAt), desc(healthScores.id))
    .limit(query.limit)
    .offset(query.offset);
  const [total] = await tx.db.select({ n: count() }).from(healthScores).where(where);
  return { rows, total: Number(total?.n ?? 0) };
}

/** `from`..`to` of a trends query (defaults: the 30 days to today), checked: 422 when reversed or too long. */
export function trendRange(query: TrendsQuery, today: string): { from: string; to: string } {
  const to = query.to ?? today;
  const from = query.from ?? addDays(to, -29);
  const days = daysBetween(from, to) + 1;
  if (days < 1) throw validationFailed([{ path: '/query/from', message: 'must not be after to' }]);
  if (days > MAX_TREND_DAYS)
    throw validationFailed([{ path: '/query/to', message: `the range is at most ${MAX_TREND_DAYS} days` }]);
  return { from, to };
}

export interface AtRiskRow {
  customer_id: string;
  customer_name: string;
  customer_status: string;
  owner_id: string | null;
  overall_score: number;
  risk_level: string;
  trend: string;
  adoption_score: number;
  support_score: number;
  engagement_score: number;
  financial_score: number;
  score_id: string;
  calculated_at: Date | string;
}

/**
 * Current accounts in scope whose latest customer-level score (mirrored on the customer) is high or
 * critical risk, worst first (lowest score, then name), with that score's components and trend.
 */
export async function atRiskRows(tx: Tx, tenantId: string, principal: Principal, query: AtRiskQuery) {
  const owned = scopePredicate(principal, sql`c.owner_id`);
  const where = sql`c.tenant_id = ${tenantId} and ${currentAccountSql('c')}
    and c.health_risk in (${query.risk ? sql`${query.risk}` : sql`'high', 'critical'`})
    ${owned ? sql`and ${owned}` : sql``}`;
  const rows = await selectRows<AtRiskRow>(
    tx,
    sql`select c.id as customer_id, c.name as customer_name, c.status as customer_status, c.owner_id,
        h.overall_score, h.risk_level, h.trend, h.adoption_score, h.support_score, h.engagement_score,
        h.financial_score, h.id as score_id, h.calculated_at
      from customers c
      join lateral (select * from health_scores h
        where h.tenant_id = c.tenant_id and h.customer_id = c.id and h.deployment_id is null
        order by h.calculated_at desc, h.id desc limit 1) h on true
      where ${where}
      order by c.health_score, c.name, c.id
      limit ${query.limit} offset ${query.offset}`,
  );
  const [total] = await selectRows<{ n: number }>(
    tx,
    sql`select count(*)::int as n from customers c where ${where}`,
  );
  return { rows, total: total?.n ?? 0 };
}

/** Buckets of 20 points (the last one 80–100) over the latest scores of current accounts in scope. */
export const BUCKETS = [
  [0, 19],
  [20, 39],
  [40, 59],
  [60, 79],
  [80, 100],
] as const;

export async function distributionOf(tx: Tx, tenantId: string, principal: Principal) {
  const owned = scopePredicate(principal, sql`c.owner_id`);
  const buckets = sql.join(
    BUCKETS.map(
      ([min, max], i) =>
        sql`count(*) filter (where c.health_score between ${sql.raw(String(min))} and ${sql.raw(String(max))})::int as ${sql.raw(`b${i}`)}`,
    ),
    sql`, `,
  );
  const [row] = await selectRows<Record<string, number | null>>(
    tx,
    sql`select count(*)::int as total, round(avg(c.health_score), 2)::float8 as average, ${buckets},
        count(*) filter (where c.health_risk = 'low')::int as low,
        count(*) filter (where c.health_risk = 'medium')::int as medium,
        count(*) filter (where c.health_risk = 'high')::int as high,
        count(*) filter (where c.health_risk = 'critical')::int as critical
      from customers c
      where c.tenant_id = ${tenantId} and ${currentAccountSql('c')} and c.health_score is not null
        ${owned ? sql`and ${owned}` : sql``}`,
  );
  const r = row!;
  return {
    total: r.total ?? 0,
    average_score: r.average ?? null,
    buckets: BUCKETS.map(([min, max], i) => ({ range: `${min}-${max}`, min, max, count: r[`b${i}`] ?? 0 })),
    risk: { low: r.low ?? 0, medium: r.medium ?? 0, high: r.high ?? 0, critical: r.critical ?? 0 },
  };
}
