import { sql } from 'drizzle-orm';
import { selectRows } from '../../../platform/db/rows.js';
import type { ActivityItem, RecentActivity, UpcomingRenewals } from './activity.schemas.js';
import {
  addDays,
  contractCurrency,
  customersInScope,
  lastDays,
  rowsInScope,
  SERVED,
  USER_NAME,
  type InsightContext,
} from './insight-context.js';
import { renewalTotals } from './overview.queries.js';

/**
 * An instant as ISO 8601 UTC text, the same on both drivers; with microseconds (`exact`) when it
 * is a keyset position, which must compare equal to the stored value.
 */
export const isoText = (column: string, exact = false) =>
  sql.raw(`to_char(${column} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.${exact ? 'US' : 'MS'}"Z"')`);

type RenewalRow = Omit<UpcomingRenewals['renewals'][number], 'account_manager'> & {
  am_id: string | null;
  am_name: string | null;
};

/** Served customers whose contract ends between today and today + `days`, a page of them. */
export async function upcomingRenewals(
  ctx: InsightContext,
  query: { days: number; limit: number; offset: number },
): Promise<UpcomingRenewals> {
  const rows = await selectRows<RenewalRow>(
    ctx.tx,
    sql`select c.id as customer_id, c.code, c.name, c.status,
        to_char(c.contract_end, 'YYYY-MM-DD') as contract_end,
        (c.contract_end - ${ctx.today}::date)::int as days_left,
        c.contract_value::text as contract_value, ${contractCurrency(ctx)} as currency,
        c.health_score::int as health_score, c.health_risk, u.id as am_id, ${USER_NAME} as am_name
      from customers c left join users u on u.tenant_id = c.tenant_id and u.id = c.owner_id
      where ${customersInScope(ctx)} and ${SERVED}
        and c.contract_end between ${ctx.today}::date and ${addDays(ctx.today, query.days)}::date
      order by c.contract_end, c.name, c.id
      limit ${query.limit} offset ${query.offset}`,
  );
  const totals = await renewalTotals(ctx, query.days);
  return {
    as_of: ctx.today,
    time_zone: ctx.timeZone,
    days: query.days,
    renewals: rows.map(({ am_id, am_name, ...row }) => ({
      ...row,
      account_manager: am_id ? { id: am_id, name: am_name! } : null,
    })),
    total: totals.customers,
    limit: query.limit,
    offset: query.offset,
    contract_value: totals.contract_value,
  };
}

/**
 * How far back the feed looks (every kind), and how many of the tenant's newest customer-level
 * scores of that window it compares with their predecessors to find health changes.
 */
export const RECENT_DAYS = 30;
export const HEALTH_CHANGE_SCAN = 10_000;

/**
 * The newest `limit` events of the last 30 days, of four kinds, merged newest first: interactions
 * (dated up to now), CSAT responses, alerts, and health changes — a customer-level score whose
 * risk level differs from the customer's previous score (a first score is one). Each kind walks
 * its time index for at most 30 days and stops at `limit` rows in the scope. Health changes are
 * looked for among the tenant's 10,000 newest scores of the window (before the scope is applied,
 * so a narrow scope never walks the whole history), each compared with its predecessor through
 * the customer's score index.
 */
export async function recentActivity(ctx: InsightContext, limit: number): Promise<RecentActivity> {
  const rows = await selectRows<ActivityItem>(
    ctx.tx,
    sql`with feed as (
        (select 'interaction' as kind, i.id, i.interaction_date as at, i.customer_id,
            i.interaction_type as type, i.subject as summary, null::int as score, null::int as previous_score,
            null::text as previous_risk, null::text as severity, null::text as status, i.sentiment
          from customer_interactions i
          where ${rowsInScope(ctx, 'i')} and ${lastDays(ctx, sql`i.interaction_date`, RECENT_DAYS)}
          order by i.interaction_date desc, i.id desc limit ${limit})
        union all
        (select 'csat_response', r.id, r.submitted_at, r.customer_id, r.survey_type, r.feedback_text,
            r.score::int, null, null, null, null, null
          from csat_responses r
          where ${rowsInScope(ctx, 'r')} and ${lastDays(ctx, sql`r.submitted_at`, RECENT_DAYS)}
          order by r.submitted_at desc, r.id desc limit ${limit})
        union all
        (select 'alert', a.id, a.created_at, a.customer_id, a.type, a.title, null, null, null,
            a.severity, a.status, null
          from alerts a
          where ${rowsInScope(ctx, 'a')} and a.customer_id is not null
            and ${lastDays(ctx, sql`a.created_at`, RECENT_DAYS)}
          order by a.created_at desc, a.id desc limit ${limit})
        union all
        (select 'health_change', h.id, h.calculated_at, h.customer_id, h.risk_level, null,
            h.overall_score::int, p.overall_score::int, p.risk_level, null, null, null
          from (select h.* from health_scores h
              where h.tenant_id = ${ctx.tenantId} and h.deployment_id is null
                and ${lastDays(ctx, sql`h.calculated_at`, RECENT_DAYS)}
              order by h.calculated_at desc, h.id desc limit ${HEALTH_CHANGE_SCAN}) h
          left join lateral (select p.overall_score, p.risk_level from health_scores p
              where p.tenant_id = h.tenant_id and p.customer_id = h.customer_id and p.deployment_id is null
                and (p.calculated_at, p.id) < (h.calculated_at, h.id)
              order by p.calculated_at desc, p.id desc limit 1) p on true
          where ${rowsInScope(ctx, 'h')} and p.risk_level is distinct from h.risk_level
          order by h.calculated_at desc, h.id desc limit ${limit}))
      select f.kind, f.id, ${isoText('f.at')} as occurred_at, f.customer_id, c.name as customer_name,
        f.type, f.summary, f.score, f.previous_score, f.previous_risk, f.severity, f.status, f.sentiment
      from feed f join customers c on c.tenant_id = ${ctx.tenantId} and c.id = f.customer_id
      order by f.at desc, f.id desc limit ${limit}`,
  );
  return { activity: rows };
}
