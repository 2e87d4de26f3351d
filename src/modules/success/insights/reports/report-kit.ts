import { sql } from 'drizzle-orm';
import { Type } from 'typebox';
import { selectRows } from '../../../../platform/db/rows.js';
import type { Tx } from '../../../../platform/db/types.js';
import type { ReportColumn, ReportQueryContext, ReportRow } from '../../../../platform/reports/types.js';
import {
  AT_RISK,
  customersInScope,
  insightContext,
  USER_NAME,
  type CurrencyAmount,
  type InsightContext,
} from '../insight-context.js';

/** The longest period a success report covers: two years. */
export const MAX_REPORT_DAYS = 731;

/** The report's insight context (tenant, scope, time zone, currency, its "now"). */
export const reportInsight = (ctx: ReportQueryContext): Promise<InsightContext> =>
  insightContext(ctx.tx, ctx.tenantId, ctx.principal, ctx.now);

/** The same context over another transaction: a detail table's later pages (`ctx.read`). */
export const onTx = (insight: InsightContext, tx: Tx): InsightContext => ({ ...insight, tx });

export const Uuid = Type.String({ format: 'uuid' });

/** Contract values per currency as one cell: `1000.00 UZS; 20.00 USD` (never added across currencies). */
export const moneyText = (values: readonly CurrencyAmount[]): string =>
  values.map((v) => `${v.amount} ${v.currency}`).join('; ');

const COMPONENTS = ['adoption', 'support', 'engagement', 'financial'] as const;
/** Components below this are named in an at-risk customer's factors summary. */
const WEAK_COMPONENT = 60;

/**
 * What pulls a score down: the components under 60, weakest first, each with the counts its
 * `factors` entry holds (`engagement 25 (meetings 0, calls 1)`); "none under 60" otherwise.
 */
export function factorsSummary(row: Record<string, unknown>, factors: unknown): string {
  const weak = COMPONENTS.filter(
    (c) => typeof row[c] === 'number' && (row[c] as number) < WEAK_COMPONENT,
  ).sort((a, b) => (row[a] as number) - (row[b] as number));
  if (!weak.length) return row.adoption === null ? 'never scored' : `none under ${WEAK_COMPONENT}`;
  const detail = (component: string): string => {
    const entry = (factors as Record<string, unknown> | null)?.[component];
    if (!entry || typeof entry !== 'object') return '';
    const facts = Object.entries(entry as Record<string, unknown>)
      .filter(([key, value]) => key !== 'score' && ['number', 'string', 'boolean'].includes(typeof value))
      .map(([key, value]) => `${key.replace(/_/g, ' ')} ${String(value)}`);
    return facts.length ? ` (${facts.join(', ')})` : '';
  };
  return weak.map((c) => `${c} ${String(row[c])}${detail(c)}`).join('; ');
}

export type AtRiskRow = ReportRow & {
  customer_id: string;
  name: string;
  score: number;
};

/**
 * At-risk customers (served, latest risk high or critical), lowest score first, then by name: a
 * keyset page after `after`, each with its latest customer-level score's components.
 */
export async function atRiskPage(
  insight: InsightContext,
  after: AtRiskRow | null,
  limit: number,
): Promise<AtRiskRow[]> {
  const rows = await selectRows<AtRiskRow & { factors: unknown }>(
    insight.tx,
    sql`select c.id as customer_id, c.code, c.name, ${USER_NAME} as account_manager, c.status,
        c.health_score::int as score, c.health_risk as risk, c.health_scored_at as scored_at,
        to_char(c.contract_end, 'YYYY-MM-DD') as contract_end, c.contract_value::text as contract_value,
        coalesce(c.currency, ${insight.currency}) as currency,
        h.adoption_score::int as adoption, h.support_score::int as support,
        h.engagement_score::int as engagement, h.financial_score::int as financial, h.trend, h.factors
      from customers c
      left join users u on u.tenant_id = c.tenant_id and u.id = c.owner_id
      left join lateral (select h.* from health_scores h
          where h.tenant_id = c.tenant_id and h.customer_id = c.id and h.deployment_id is null
          order by h.calculated_at desc, h.id desc limit 1) h on true
      where ${customersInScope(insight)} and ${AT_RISK}${
        after
          ? sql` and (c.health_score, c.name, c.id) > (${after.score}, ${after.name}, ${after.customer_id}::uuid)`
          : sql``
      }
      order by c.health_score, c.name, c.id limit ${limit}`,
  );
  return rows.map(({ factors, ...row }) => ({ ...row, factors: factorsSummary(row, factors) }));
}

export const AT_RISK_COLUMNS: readonly ReportColumn[] = [
  { key: 'code', label: 'Code', kind: 'text' },
  { key: 'name', label: 'Customer', kind: 'text', width: 2 },
  { key: 'account_manager', label: 'Account manager', kind: 'text', width: 1.5 },
  { key: 'score', label: 'Score', kind: 'integer' },
  { key: 'risk', label: 'Risk', kind: 'text' },
  { key: 'trend', label: 'Trend', kind: 'text' },
  { key: 'scored_at', label: 'Scored at', kind: 'datetime' },
  { key: 'adoption', label: 'Adoption', kind: 'integer' },
  { key: 'support', label: 'Support', kind: 'integer' },
  { key: 'engagement', label: 'Engagement', kind: 'integer' },
  { key: 'financial', label: 'Financial', kind: 'integer' },
  { key: 'factors', label: 'Factors', kind: 'text', width: 3 },
];

/** How many at-risk customers the scope holds (the detail table's page count). */
export async function atRiskCount(insight: InsightContext): Promise<number> {
  const [row] = await selectRows<{ n: number }>(
    insight.tx,
    sql`select count(*)::int as n from customers c where ${customersInScope(insight)} and ${AT_RISK}`,
  );
  return row?.n ?? 0;
}
