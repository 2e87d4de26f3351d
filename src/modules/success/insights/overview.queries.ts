import { sql } from 'drizzle-orm';
import { selectRows } from '../../../platform/db/rows.js';
import { validationFailed } from '../../../platform/http/errors.js';
import { RISK_LEVELS } from '../tables/health.tables.js';
import type {
  CustomerSegments,
  DashboardStats,
  HealthDistribution,
  SegmentRow,
} from './dashboard.schemas.js';
import { DEFAULT_VALUE_BANDS } from './dashboard.schemas.js';
import {
  addDays,
  averageOf,
  AT_RISK,
  byCurrency,
  contractCurrency,
  CSAT_WINDOW_DAYS,
  customersInScope,
  INTERACTION_WINDOW_DAYS,
  lastDays,
  RENEWAL_WINDOW_DAYS,
  rowsInScope,
  SERVED,
  SERVED_SCORE,
  STATUS,
  SURVEY_MEASURES,
  surveyFigures,
  type CurrencyAmount,
  type InsightContext,
  type SurveyCounts,
} from './insight-context.js';

/**
 * The headline figures, the health distribution and the customer segments: each a few aggregate
 * statements over the scoped customers (`customers` holds each one's latest score) and the
 * success tables' time indexes.
 */

/** The catalogue's customer lifecycle statuses, in lifecycle order. */
export const CUSTOMER_STATUSES = ['onboarding', 'active', 'at_risk', 'churned'] as const;

const countBy = <K extends string>(keys: readonly K[], rows: { key: string; n: number }[]) =>
  Object.fromEntries(keys.map((k) => [k, rows.find((r) => r.key === k)?.n ?? 0])) as Record<K, number>;

/** Served customers whose contract ends today or within `days` days, per contract currency. */
export async function renewalTotals(ctx: InsightContext, days: number) {
  const rows = await selectRows<CurrencyAmount & { n: number }>(
    ctx.tx,
    sql`select ${contractCurrency(ctx)} as currency, count(*)::int as n,
        sum(c.contract_value)::numeric(18,2)::text as amount
      from customers c
      where ${customersInScope(ctx)} and ${SERVED}
        and c.contract_end between ${ctx.today}::date and ${addDays(ctx.today, days)}::date
      group by 1`,
  );
  return {
    days,
    customers: rows.reduce((n, r) => n + r.n, 0),
    contract_value: byCurrency(rows.map(({ currency, amount }) => ({ currency, amount }))),
  };
}

export async function dashboardStats(ctx: InsightContext): Promise<DashboardStats> {
  const [customers] = await selectRows<{
    total: number;
    onboarding: number;
    active: number;
    at_risk_status: number;
    churned: number;
    scored: number;
    average: number | null;
    at_risk: number;
  }>(
    ctx.tx,
    sql`select count(*)::int as total,
        count(*) filter (where ${STATUS} = 'onboarding')::int as onboarding,
        count(*) filter (where ${STATUS} = 'active')::int as active,
        count(*) filter (where ${STATUS} = 'at_risk')::int as at_risk_status,
        count(*) filter (where ${STATUS} = 'churned')::int as churned,
        count(${SERVED_SCORE})::int as scored,
        round(avg(${SERVED_SCORE}), 2)::float8 as average,
        count(*) filter (where ${AT_RISK})::int as at_risk
      from customers c where ${customersInScope(ctx)}`,
  );
  const alerts = await selectRows<{ key: string; n: number }>(
    ctx.tx,
    sql`select a.severity as key, count(*)::int as n from alerts a
      where ${rowsInScope(ctx, 'a')} and a.customer_id is not null and a.status = 'open'
      group by a.severity`,
  );
  const [surveys] = await selectRows<SurveyCounts>(
    ctx.tx,
    sql`select ${SURVEY_MEASURES} from csat_responses r
      where ${rowsInScope(ctx, 'r')} and ${lastDays(ctx, sql`r.submitted_at`, CSAT_WINDOW_DAYS)}`,
  );
  const [activity] = await selectRows<{ interactions: number; active_deployments: number }>(
    ctx.tx,
    sql`select
        (select count(*)::int from customer_interactions i
          where ${rowsInScope(ctx, 'i')} and ${lastDays(ctx, sql`i.interaction_date`, INTERACTION_WINDOW_DAYS)}) as interactions,
        (select count(*)::int from deployments d where ${rowsInScope(ctx, 'd')} and d.is_active) as active_deployments`,
  );
  const c = customers!;
  const bySeverity = countBy(RISK_LEVELS, alerts);
  return {
    as_of: ctx.today,
    time_zone: ctx.timeZone,
    customers: {
      total: c.total,
      by_status: {
        onboarding: c.onboarding,
        active: c.active,
        at_risk: c.at_risk_status,
        churned: c.churned,
      },
    },
    health: { scored: c.scored, average: c.average, at_risk: c.at_risk },
    alerts: { open: alerts.reduce((n, r) => n + r.n, 0), by_severity: bySeverity },
    csat: {
      days: CSAT_WINDOW_DAYS,
      from: addDays(ctx.today, -(CSAT_WINDOW_DAYS - 1)),
      ...surveyFigures(surveys!),
    },
    renewals: await renewalTotals(ctx, RENEWAL_WINDOW_DAYS),
    interactions: { days: INTERACTION_WINDOW_DAYS, count: activity!.interactions },
    deployments: { active: activity!.active_deployments },
  };
}

/** Score buckets of the distribution: 0–19, 20–39, 40–59, 60–79, 80–100. */
export const SCORE_BUCKETS = [
  [0, 19],
  [20, 39],
  [40, 59],
  [60, 79],
  [80, 100],
] as const;

export async function healthDistribution(ctx: InsightContext): Promise<HealthDistribution> {
  const bucketCounts = sql.join(
    SCORE_BUCKETS.map(
      ([from, to], i) =>
        sql`count(*) filter (where ${SERVED_SCORE} between ${from} and ${to})::int as ${sql.identifier(`b${i}`)}`,
    ),
    sql`, `,
  );
  const riskCounts = sql.join(
    RISK_LEVELS.map(
      (risk) =>
        sql`count(*) filter (where ${SERVED_SCORE} is not null and c.health_risk = ${risk})::int as ${sql.identifier(risk)}`,
    ),
    sql`, `,
  );
  const [row] = await selectRows<Record<string, number | null>>(
    ctx.tx,
    sql`select count(${SERVED_SCORE})::int as scored,
        count(*) filter (where ${SERVED} and c.health_score is null)::int as unscored,
        round(avg(${SERVED_SCORE}), 2)::float8 as average, ${bucketCounts}, ${riskCounts}
      from customers c where ${customersInScope(ctx)}`,
  );
  const r = row!;
  return {
    as_of: ctx.today,
    time_zone: ctx.timeZone,
    scored: r.scored!,
    unscored: r.unscored!,
    average: r.average ?? null,
    buckets: SCORE_BUCKETS.map(([from, to], i) => ({ from, to, customers: r[`b${i}`]! })),
    by_risk: { low: r.low!, medium: r.medium!, high: r.high!, critical: r.critical! },
  };
}

/** The contract value limits: ascending, positive; 422 at the parameter otherwise. */
export function valueBands(param: string | undefined): number[] {
  if (param === undefined) return DEFAULT_VALUE_BANDS;
  const limits = param.split(',').map(Number);
  if (limits.some((v, i) => v <= 0 || (i > 0 && v <= limits[i - 1]!)))
    throw validationFailed([
      { path: '/query/value_bands', message: 'must be positive amounts in ascending order' },
    ]);
  return limits;
}

/** The band keys for `limits`: `0-l1`, `l1-l2`, …, `ln+`. */
export const bandKeys = (limits: readonly number[]): string[] => [
  ...limits.map((limit, i) => `${i === 0 ? 0 : limits[i - 1]}-${limit}`),
  `${limits.at(-1)}+`,
];

type GroupedRow = { dim: 'industry' | 'status' | 'band' | 'risk'; key: string | null; currency: string } & {
  n: number;
  scored: number;
  score_sum: number;
  amount: string | null;
};

/** Folds the per-currency rows of each (dimension, key) into one segment. */
function segmentsOf(rows: GroupedRow[], dim: GroupedRow['dim'], keys?: readonly (string | null)[]) {
  const byKey = new Map<string | null, GroupedRow[]>();
  for (const row of rows.filter((r) => r.dim === dim))
    byKey.set(row.key, [...(byKey.get(row.key) ?? []), row]);
  const segment = (key: string | null): SegmentRow => {
    const group = byKey.get(key) ?? [];
    const scored = group.reduce((n, r) => n + r.scored, 0);
    return {
      key,
      customers: group.reduce((n, r) => n + r.n, 0),
      scored,
      average_health: averageOf(
        group.reduce((n, r) => n + r.score_sum, 0),
        scored,
      ),
      contract_value: byCurrency(
        group.filter((r) => r.amount !== null).map((r) => ({ currency: r.currency, amount: r.amount! })),
      ),
    };
  };
  if (keys) return keys.map(segment);
  // Industries: the biggest first, then by name; no industry last.
  return [...byKey.keys()]
    .map(segment)
    .sort((a, b) => b.customers - a.customers || (a.key ?? '\uffff').localeCompare(b.key ?? '\uffff'));
}

export async function customerSegments(ctx: InsightContext, limits: number[]): Promise<CustomerSegments> {
  const keys = bandKeys(limits);
  const band = sql`case when c.contract_value is null then null ${sql.join(
    limits.map((limit, i) => sql`when c.contract_value < ${limit}::numeric then ${keys[i]!}`),
    sql` `,
  )} else ${keys.at(-1)!} end`;
  const rows = await selectRows<GroupedRow>(
    ctx.tx,
    sql`with base as (
        select c.industry, ${STATUS} as status, ${band} as band,
          case when ${SERVED} then c.health_risk end as risk, ${SERVED_SCORE} as score,
          c.contract_value, ${contractCurrency(ctx)} as currency
        from customers c where ${customersInScope(ctx)})
      select case when grouping(industry) = 0 then 'industry' when grouping(status) = 0 then 'status'
          when grouping(band) = 0 then 'band' else 'risk' end as dim,
        coalesce(industry, status, band, risk) as key, currency, count(*)::int as n,
        count(score)::int as scored, coalesce(sum(score), 0)::int as score_sum,
        sum(contract_value)::numeric(18,2)::text as amount
      from base
      group by grouping sets ((industry, currency), (status, currency), (band, currency), (risk, currency))`,
  );
  return {
    as_of: ctx.today,
    time_zone: ctx.timeZone,
    value_bands: limits,
    by_industry: segmentsOf(rows, 'industry'),
    by_status: segmentsOf(rows, 'status', CUSTOMER_STATUSES),
    by_value_band: segmentsOf(rows, 'band', [...keys, null]),
    by_risk: segmentsOf(rows, 'risk', [...RISK_LEVELS, null]),
  };
}
