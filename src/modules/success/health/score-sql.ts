import { sql, type SQL } from 'drizzle-orm';
import { selectRows } from '../../../platform/db/rows.js';
import type { Tx } from '../../../platform/db/types.js';
import { v7Sql } from '../../../platform/db/scale-sql.js';
import type { RiskLevel } from '../tables/health.tables.js';
import {
  currentAccountSql,
  inWindowSql,
  interactionCountsSql,
  nowSql,
  trendCutSql,
  type ScoreClock,
} from './clock.js';
import { previousScoresSql } from './health-drop.js';
import type { ScoreFacts } from './drop-reasons.js';
import { NEW_CONTRACT_DAYS, WINDOW_DAYS, type HealthWeights } from './score.js';
import { riskSql, statusAfterScoreSql } from './status.js';

/*
 * The health score computed set-based, for a batch of customers in one statement: the same rules
 * as `computeHealth` (score.ts), which stays the reference — a property test checks that both give
 * the same scores and factors on random data.
 */

/** An integer inlined into the statement (constants and validated weights, never free input). */
function n(value: number): SQL {
  if (!Number.isSafeInteger(value)) throw new Error(`Not an integer: ${value}`);
  return sql.raw(String(value));
}

/** Components of rows aliased `f` with the counts, `n_products`, `contract_age` and `days_to_end`. */
const COMPONENTS_SQL = sql`
  least(100, case when f.n_products >= 3 then 100 when f.n_products = 2 then 70
    when f.n_products = 1 then 40 else 0 end
    + case when f.contract_age between 0 and ${n(NEW_CONTRACT_DAYS - 1)} then 10 else 0 end) as adoption,
  greatest(0, least(100, 100 - 2 * f.support_tickets - 10 * f.escalations - 5 * f.negative)) as support,
  least(100, 15 * f.meetings + 10 * f.calls + 5 * f.emails + 10 * f.trainings) as engagement,
  case when f.days_to_end is null then 50 when f.days_to_end < 0 then 0 when f.days_to_end < 30 then 20
    when f.days_to_end < 90 then 50 when f.days_to_end < 180 then 80 else 100 end as financial`;

/** Integer weights summing to 100 and non-negative scores: integer division truncates like the TS path. */
const overallSql = (w: HealthWeights) =>
  sql`(${n(w.adoption)} * s.adoption + ${n(w.support)} * s.support + ${n(w.engagement)} * s.engagement
    + ${n(w.financial)} * s.financial) / 100`;

/** `factorsOf` of score.ts, key for key, over rows aliased `o`. */
function factorsSql(clock: ScoreClock, weights: HealthWeights): SQL {
  return sql`jsonb_build_object(
    'adoption', jsonb_build_object('active_products', o.n_products, 'products', to_jsonb(o.products),
      'contract_start', to_char(o.contract_start, 'YYYY-MM-DD'), 'contract_age_days', o.contract_age,
      'new_contract_bonus', coalesce(o.contract_age between 0 and ${n(NEW_CONTRACT_DAYS - 1)}, false),
      'score', o.adoption),
    'support', jsonb_build_object('support_tickets', o.support_tickets, 'escalations', o.escalations,
      'negative', o.negative, 'score', o.support),
    'engagement', jsonb_build_object('meetings', o.meetings, 'calls', o.calls, 'emails', o.emails,
      'trainings', o.trainings, 'score', o.engagement),
    'financial', jsonb_build_object('contract_end', to_char(o.contract_end, 'YYYY-MM-DD'),
      'days_to_end', o.days_to_end, 'expired', coalesce(o.days_to_end < 0, false), 'score', o.financial),
    'window', jsonb_build_object('from', to_char(${clock.today}::date - ${n(WINDOW_DAYS - 1)}, 'YYYY-MM-DD'),
      'to', ${clock.today}::text, 'days', ${n(WINDOW_DAYS)}),
    'trend', jsonb_build_object('previous_score', o.previous_score, 'change', o.overall - o.previous_score),
    'weights', ${JSON.stringify(weights)}::jsonb)`;
}

/** A customer scored by the batch, with what its health-drop alert needs. */
export interface BatchScore extends ScoreFacts {
  customerId: string;
  name: string;
  ownerId: string | null;
  risk: RiskLevel;
  previous: ScoreFacts[] | string;
}

/**
 * Scores the next `limit` current accounts of the tenant after `afterId` (id order) in one
 * statement: aggregates their active products and their interactions of the 90-day window, reads
 * each one's trend base (latest score at least 30 local days old) and last three scores, inserts
 * the scores and updates the customers (health columns and status). Answers one row per customer,
 * in id order, with its last three scores before this one.
 */
export async function scoreBatch(
  tx: Tx,
  tenantId: string,
  clock: ScoreClock,
  weights: HealthWeights,
  page: { afterId: string | null; limit: number },
): Promise<BatchScore[]> {
  const now = nowSql(clock);
  const today = sql`${clock.today}::date`;
  return selectRows<BatchScore>(
    tx,
    sql`with batch as (
        select c.id, c.name, c.owner_id, c.status, c.contract_start, c.contract_end
        from customers c
        where c.tenant_id = ${tenantId} and ${currentAccountSql('c')}
          ${page.afterId ? sql`and c.id > ${page.afterId}` : sql``}
        order by c.id limit ${n(page.limit)}),
      -- Per customer through its (tenant, customer[, date]) index: a hash join would read the
      -- whole tenant's window of interactions (and every deployment) again for each batch.
      f as (
        select b.*, coalesce(p.names, '{}') as products, coalesce(cardinality(p.names), 0) as n_products,
          k.support_tickets, k.escalations, k.negative, k.meetings, k.calls, k.emails, k.trainings,
          ${today} - b.contract_start as contract_age, b.contract_end - ${today} as days_to_end,
          (select h.overall_score from health_scores h
            where h.tenant_id = ${tenantId} and h.customer_id = b.id and h.deployment_id is null
              and h.calculated_at < ${trendCutSql(clock)}
            order by h.calculated_at desc, h.id desc limit 1) as previous_score
        from batch b
        cross join lateral (
          select array_agg(distinct d.product_name collate "C" order by d.product_name collate "C") as names
          from deployments d
          where d.tenant_id = ${tenantId} and d.customer_id = b.id and d.is_active) p
        cross join lateral (
          select ${interactionCountsSql}
          from customer_interactions i
          where i.tenant_id = ${tenantId} and i.customer_id = b.id
            and ${inWindowSql(sql`i.interaction_date`, clock)}) k),
      s as (select f.*, ${COMPONENTS_SQL} from f),
      o as (select s.*, ${overallSql(weights)} as overall from s),
      scored as (
        select o.*, ${riskSql(sql`o.overall`)} as risk,
          case when o.previous_score is null then 'stable'
            when o.overall - o.previous_score >= 5 then 'improving'
            when o.overall - o.previous_score <= -5 then 'declining' else 'stable' end as trend,
          ${factorsSql(clock, weights)} as factors,
          ${previousScoresSql(tenantId, sql`o.id`, null)} as previous
        from o),
      inserted as (
        insert into health_scores (tenant_id, id, customer_id, deployment_id, overall_score, adoption_score,
          support_score, engagement_score, financial_score, risk_level, trend, factors, weights,
          calculated_at, calculated_by)
        select ${tenantId}, ${sql.raw(v7Sql('clock_timestamp()'))}, id, null, overall, adoption, support,
          engagement, financial, risk, trend, factors, ${JSON.stringify(weights)}::jsonb, ${now}, null
        from scored
        returning 1),
      updated as (
        update customers c set health_score = x.overall, health_risk = x.risk, health_scored_at = ${now},
          status = ${statusAfterScoreSql(sql`c.status`, sql`x.risk`)},
          updated_at = case when ${statusAfterScoreSql(sql`c.status`, sql`x.risk`)} = c.status
            then c.updated_at else ${now} end
        from scored x
        where c.tenant_id = ${tenantId} and c.id = x.id
        returning 1)
      select x.id as "customerId", x.name, x.owner_id as "ownerId", x.overall, x.adoption, x.support,
        x.engagement, x.financial, x.risk, x.previous
      from scored x
      order by x.id`,
  );
}
