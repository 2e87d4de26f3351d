import { sql, type SQL } from 'drizzle-orm';
import { Type, type Static } from 'typebox';
import { selectRows } from '../../../../platform/db/rows.js';
import { keysetRows } from '../../../../platform/reports/rows.js';
import { defineReportType, type ReportRow } from '../../../../platform/reports/types.js';
import {
  CSAT_WINDOW_DAYS,
  customersInScope,
  lastDays,
  SERVED_SCORE,
  STATUS,
  USER_NAME,
  type InsightContext,
} from '../insight-context.js';
import { CUSTOMER_STATUSES } from '../overview.queries.js';
import { onTx, reportInsight, Uuid } from './report-kit.js';

export const CustomerOverviewParameters = Type.Object(
  {
    status: Type.Optional(Type.Union(CUSTOMER_STATUSES.map((s) => Type.Literal(s)))),
    account_manager_id: Type.Optional(Uuid),
    industry: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
  },
  { additionalProperties: false },
);
export type CustomerOverviewParameters = Static<typeof CustomerOverviewParameters>;

export type CustomerRow = ReportRow & { id: string; name: string };

/** The scoped customers the parameters select (alias `c`). */
function selected(insight: InsightContext, params: CustomerOverviewParameters): SQL {
  return sql.join(
    [
      customersInScope(insight),
      params.status ? sql`${STATUS} = ${params.status}` : undefined,
      params.account_manager_id ? sql`c.owner_id = ${params.account_manager_id}` : undefined,
      params.industry ? sql`c.industry = ${params.industry}` : undefined,
    ].filter((p): p is SQL => p !== undefined),
    sql` and `,
  );
}

/**
 * A page of customers by name, each with its CSAT average of 90 days, open alerts and active
 * deployments: the page is chosen first, then each figure is one index lookup per customer.
 */
export function customerPage(
  insight: InsightContext,
  params: CustomerOverviewParameters,
  after: CustomerRow | null,
  limit: number,
) {
  return selectRows<CustomerRow>(
    insight.tx,
    sql`with page as (
        select c.* from customers c
        where ${selected(insight, params)}${after ? sql` and (c.name, c.id) > (${after.name}, ${after.id}::uuid)` : sql``}
        order by c.name, c.id limit ${limit})
      select c.id, c.code, c.name, ${STATUS} as status, ${USER_NAME} as account_manager, c.industry,
        to_char(c.contract_start, 'YYYY-MM-DD') as contract_start, to_char(c.contract_end, 'YYYY-MM-DD') as contract_end,
        c.contract_value::text as contract_value, coalesce(c.currency, ${insight.currency}) as currency,
        c.health_score::int as health_score, c.health_risk, c.health_scored_at,
        (select round(avg(r.score), 2)::float8 from csat_responses r
          where r.tenant_id = c.tenant_id and r.customer_id = c.id and r.survey_type <> 'nps'
            and ${lastDays(insight, sql`r.submitted_at`, CSAT_WINDOW_DAYS)}) as csat_average,
        (select count(*)::int from alerts a
          where a.tenant_id = c.tenant_id and a.customer_id = c.id and a.status = 'open') as open_alerts,
        (select count(*)::int from deployments d
          where d.tenant_id = c.tenant_id and d.customer_id = c.id and d.is_active) as active_deployments,
        (select string_agg(distinct d.product_name, ', ' order by d.product_name) from deployments d
          where d.tenant_id = c.tenant_id and d.customer_id = c.id and d.is_active) as products
      from page c left join users u on u.tenant_id = c.tenant_id and u.id = c.owner_id
      order by c.name, c.id`,
  );
}

export const customerOverviewReport = defineReportType({
  key: 'success.customer_overview',
  title: 'Customer overview',
  description:
    'Every customer in the scope with status, account manager, contract, latest health and risk, CSAT average of 90 days, open alerts and deployments; optionally one status, account manager or industry',
  permission: 'success_dashboard:read',
  parameters: CustomerOverviewParameters,
  async query(ctx, params) {
    const insight = await reportInsight(ctx);
    const byStatus = await selectRows<{
      status: string;
      customers: number;
      scored: number;
      average: number | null;
    }>(
      insight.tx,
      sql`select ${STATUS} as status, count(*)::int as customers, count(${SERVED_SCORE})::int as scored,
          round(avg(${SERVED_SCORE}), 2)::float8 as average
        from customers c where ${selected(insight, params)} group by 1`,
    );
    const total = byStatus.reduce((n, r) => n + r.customers, 0);
    const customers = keysetRows<CustomerRow>(ctx, total, (tx, after, limit) =>
      customerPage(onTx(insight, tx), params, after, limit),
    );
    return {
      period: `As of ${insight.today}`,
      sections: [
        {
          key: 'by_status',
          title: 'Customers by status',
          columns: [
            { key: 'status', label: 'Status', kind: 'text' },
            { key: 'customers', label: 'Customers', kind: 'integer' },
            { key: 'scored', label: 'Scored', kind: 'integer' },
            { key: 'average', label: 'Average health', kind: 'number' },
          ],
          rows: CUSTOMER_STATUSES.map(
            (status) =>
              byStatus.find((r) => r.status === status) ?? { status, customers: 0, scored: 0, average: null },
          ),
          chart: { kind: 'pie', title: 'Customers by status', category: 'status', series: ['customers'] },
        },
        {
          key: 'customers',
          title: 'Customers',
          columns: [
            { key: 'code', label: 'Code', kind: 'text' },
            { key: 'name', label: 'Customer', kind: 'text', width: 2 },
            { key: 'status', label: 'Status', kind: 'text' },
            { key: 'account_manager', label: 'Account manager', kind: 'text', width: 1.5 },
            { key: 'industry', label: 'Industry', kind: 'text' },
            { key: 'contract_start', label: 'Contract start', kind: 'date' },
            { key: 'contract_end', label: 'Contract end', kind: 'date' },
            { key: 'contract_value', label: 'Contract value', kind: 'money' },
            { key: 'currency', label: 'Currency', kind: 'text' },
            { key: 'health_score', label: 'Health', kind: 'integer' },
            { key: 'health_risk', label: 'Risk', kind: 'text' },
            { key: 'health_scored_at', label: 'Scored at', kind: 'datetime' },
            { key: 'csat_average', label: 'CSAT (90 days)', kind: 'number' },
            { key: 'open_alerts', label: 'Open alerts', kind: 'integer' },
            { key: 'active_deployments', label: 'Active deployments', kind: 'integer' },
            { key: 'products', label: 'Products', kind: 'text', width: 2 },
          ],
          rows: customers,
        },
      ],
    };
  },
});
