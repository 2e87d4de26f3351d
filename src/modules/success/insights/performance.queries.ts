import { sql } from 'drizzle-orm';
import { selectRows } from '../../../platform/db/rows.js';
import type { AccountManagerPerformance, ProductPerformance } from './activity.schemas.js';
import {
  addDays,
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
  SURVEY_MEASURES,
  surveyFigures,
  USER_NAME,
  type CurrencyAmount,
  type InsightContext,
  type SurveyCounts,
} from './insight-context.js';

type ProductRow = Omit<ProductPerformance['products'][number], keyof ReturnType<typeof surveyFigures>> &
  SurveyCounts;

/**
 * Per deployed product name (one statement): its customers are those with an active deployment
 * of it. A CSAT response of the last 90 days counts for the product of the deployment it names,
 * or — naming none — for every product its customer has active; open alerts count per product
 * for the alerts of its customers.
 */
export async function productPerformance(ctx: InsightContext): Promise<ProductPerformance> {
  const recent = lastDays(ctx, sql`r.submitted_at`, CSAT_WINDOW_DAYS);
  const rows = await selectRows<ProductRow>(
    ctx.tx,
    sql`with d as (
        select d.product_name, d.customer_id, d.is_active from deployments d where ${rowsInScope(ctx, 'd')}),
      pc as (select distinct product_name, customer_id from d where is_active),
      counts as (
        select product_name, count(*) filter (where is_active)::int as active_deployments,
          count(*)::int as deployments
        from d group by product_name),
      cust as (
        select pc.product_name, count(*)::int as customers, count(${SERVED_SCORE})::int as scored,
          round(avg(${SERVED_SCORE}), 2)::float8 as average_health
        from pc join customers c on c.tenant_id = ${ctx.tenantId} and c.id = pc.customer_id
        group by pc.product_name),
      resp as (
        select dd.product_name, r.survey_type, r.score from csat_responses r
          join deployments dd on dd.tenant_id = r.tenant_id and dd.id = r.deployment_id
          where ${rowsInScope(ctx, 'r')} and ${recent}
        union all
        select pc.product_name, r.survey_type, r.score from csat_responses r
          join pc on pc.customer_id = r.customer_id
          where ${rowsInScope(ctx, 'r')} and r.deployment_id is null and ${recent}),
      surveys as (select r.product_name, ${SURVEY_MEASURES} from resp r group by r.product_name),
      open_alerts as (
        select pc.product_name, count(*)::int as open_alerts from alerts a
          join pc on pc.customer_id = a.customer_id
          where a.tenant_id = ${ctx.tenantId} and a.status = 'open'
          group by pc.product_name)
      select k.product_name, coalesce(cust.customers, 0) as customers, k.active_deployments, k.deployments,
        coalesce(cust.scored, 0) as scored, cust.average_health,
        coalesce(s.csat_responses, 0) as csat_responses, coalesce(s.csat_sum, 0) as csat_sum,
        coalesce(s.nps_responses, 0) as nps_responses, coalesce(s.promoters, 0) as promoters,
        coalesce(s.passives, 0) as passives, coalesce(s.detractors, 0) as detractors,
        coalesce(al.open_alerts, 0) as open_alerts
      from counts k
      left join cust on cust.product_name = k.product_name
      left join surveys s on s.product_name = k.product_name
      left join open_alerts al on al.product_name = k.product_name
      order by k.product_name`,
  );
  return {
    as_of: ctx.today,
    time_zone: ctx.timeZone,
    csat_days: CSAT_WINDOW_DAYS,
    products: rows.map((row) => ({
      product_name: row.product_name,
      customers: row.customers,
      active_deployments: row.active_deployments,
      deployments: row.deployments,
      scored: row.scored,
      average_health: row.average_health,
      ...surveyFigures(row),
      open_alerts: row.open_alerts,
    })),
  };
}

type ManagerRow = Omit<AccountManagerPerformance['account_managers'][number], 'renewal_value'>;

/**
 * Per account manager (the owner of customers in the scope): their book and its health, the
 * renewals due in 90 days with their value, and the interactions on their customers in 30 days.
 */
export async function accountManagerPerformance(ctx: InsightContext): Promise<AccountManagerPerformance> {
  const renewing = sql`${SERVED} and c.contract_end between ${ctx.today}::date and ${addDays(ctx.today, RENEWAL_WINDOW_DAYS)}::date`;
  const owned = sql`${customersInScope(ctx)} and c.owner_id is not null`;
  const rows = await selectRows<ManagerRow>(
    ctx.tx,
    sql`with book as (
        select c.owner_id, count(*)::int as customers, count(${SERVED_SCORE})::int as scored,
          round(avg(${SERVED_SCORE}), 2)::float8 as average_health,
          count(*) filter (where ${AT_RISK})::int as at_risk,
          count(*) filter (where ${renewing})::int as renewals_due
        from customers c where ${owned} group by c.owner_id),
      touched as (
        select c.owner_id, count(*)::int as interactions from customer_interactions i
          join customers c on c.tenant_id = i.tenant_id and c.id = i.customer_id
          where i.tenant_id = ${ctx.tenantId} and ${owned}
            and ${lastDays(ctx, sql`i.interaction_date`, INTERACTION_WINDOW_DAYS)}
          group by c.owner_id)
      select b.owner_id as user_id, ${USER_NAME} as name, u.email, b.customers, b.scored, b.average_health,
        b.at_risk, b.renewals_due, coalesce(t.interactions, 0) as interactions
      from book b
      join users u on u.tenant_id = ${ctx.tenantId} and u.id = b.owner_id
      left join touched t on t.owner_id = b.owner_id
      order by lower(${USER_NAME}), b.owner_id`,
  );
  const values = await selectRows<CurrencyAmount & { owner_id: string }>(
    ctx.tx,
    sql`select c.owner_id, ${contractCurrency(ctx)} as currency,
        sum(c.contract_value)::numeric(18,2)::text as amount
      from customers c where ${owned} and ${renewing} and c.contract_value is not null
      group by 1, 2`,
  );
  return {
    as_of: ctx.today,
    time_zone: ctx.timeZone,
    renewal_days: RENEWAL_WINDOW_DAYS,
    interaction_days: INTERACTION_WINDOW_DAYS,
    account_managers: rows.map((row) => ({
      ...row,
      renewal_value: byCurrency(
        values
          .filter((v) => v.owner_id === row.user_id)
          .map(({ currency, amount }) => ({ currency, amount })),
      ),
    })),
  };
}
