import { eq, gte, lte, sql, type SQL } from 'drizzle-orm';
import { selectRows } from '../../../platform/db/rows.js';
import type { TenantDatabase } from '../../../platform/db/types.js';
import {
  defineResource,
  envelope,
  tenantReadOf,
  type CallContext,
} from '../../../platform/resource/index.js';
import {
  checkMonthRange,
  fromCents,
  monthText,
  num,
  toCents,
  usersUnderOrgUnit,
  refNameFields,
  refNamesJson,
  type RefNames,
} from '../common.js';
import { repScope } from '../scope.js';
import { salesHistory } from '../tables/planning.tables.js';
import type {
  SalesHistoryFilters,
  SalesHistoryListQuery,
  SalesHistoryRow,
  SalesSummary,
  SalesSummaryQuery,
} from './sales-history.schemas.js';

type Row = typeof salesHistory.$inferSelect;

/** Sales history is scoped by its rep: an agent sees their own rows, a team leader their team's. */
export const salesHistoryResource = defineResource({
  table: salesHistory,
  name: 'Sales history row',
  tenantId: salesHistory.tenantId,
  id: salesHistory.id,
  scope: (ctx) => repScope(ctx, salesHistory.repId),
  sorts: {
    month: salesHistory.month,
    created_at: salesHistory.createdAt,
    revenue: salesHistory.revenue,
    quantity: salesHistory.quantity,
  },
});

/** Selected with every row, in the same statement. */
export const SALES_FIELDS = refNameFields(salesHistory);
export type SalesNamed = Row & RefNames;

/** revenue − cost of two numeric(18,2) strings, exactly (in cents). */
export const grossProfit = (revenue: string, cost: string): string =>
  fromCents(toCents(revenue) - toCents(cost));

export function toSalesJson(row: SalesNamed): SalesHistoryRow {
  return {
    id: row.id,
    ...refNamesJson(row),
    month: monthText(row.month),
    quantity: num(row.quantity),
    revenue: row.revenue,
    cost: row.cost,
    gross_profit: grossProfit(row.revenue, row.cost),
    created_at: row.createdAt.toISOString(),
    updated_at: row.updatedAt.toISOString(),
  };
}

/** The filters as conditions (month range inclusive, org unit through the rep). */
export function salesConditions(query: SalesHistoryFilters): (SQL | undefined)[] {
  checkMonthRange(query.from, query.to);
  return [
    query.customer_id ? eq(salesHistory.customerId, query.customer_id) : undefined,
    query.product_id ? eq(salesHistory.productId, query.product_id) : undefined,
    query.rep_id ? eq(salesHistory.repId, query.rep_id) : undefined,
    query.from ? gte(salesHistory.month, `${query.from}-01`) : undefined,
    query.to ? lte(salesHistory.month, `${query.to}-01`) : undefined,
    query.org_unit_id ? sql`${salesHistory.repId} in (${usersUnderOrgUnit(query.org_unit_id)})` : undefined,
  ];
}

/** The grouping of each summary: its key, and the code and name shown with it. */
function grouping(by: SalesSummaryQuery['by']): { key: SQL; code: SQL; name: SQL } {
  switch (by) {
    case 'customer':
      return { key: sql`s.customer_id::text`, code: sql`c.code`, name: sql`c.name` };
    case 'product':
      return { key: sql`s.product_id::text`, code: sql`p.code`, name: sql`p.name` };
    case 'rep':
      return {
        key: sql`s.rep_id::text`,
        code: sql`null::text`,
        name: sql`trim(u.first_name || ' ' || u.last_name)`,
      };
    default:
      return { key: sql`to_char(s.month, 'YYYY-MM')`, code: sql`null::text`, name: sql`null::text` };
  }
}

interface SummaryRow {
  key: string | null;
  code: string | null;
  name: string | null;
  rows: number;
  quantity: string;
  revenue: string;
  cost: string;
  gross_profit: string;
}

export function createSalesHistoryService(deps: { db: TenantDatabase }) {
  const tenantRead = tenantReadOf(deps);
  return {
    list(ctx: CallContext, query: SalesHistoryListQuery) {
      const where = salesConditions(query);
      return tenantRead(ctx, async (tx) => {
        const page = await salesHistoryResource.list<Omit<SalesNamed, keyof Row>>(tx, ctx, query, {
          where,
          fields: SALES_FIELDS,
        });
        return envelope('sales_history', page, toSalesJson);
      });
    },

    /** Quantity, revenue, cost and gross profit per month, customer, product or rep, in scope. */
    summary(ctx: CallContext, query: SalesSummaryQuery): Promise<SalesSummary> {
      const filter = salesHistoryResource.where(ctx, ...salesConditions(query));
      const g = grouping(query.by);
      const order = query.by === 'month' ? sql`1` : sql`sum(s.revenue) desc, 1`;
      return tenantRead(ctx, async (tx) => {
        const rows = await selectRows<SummaryRow>(
          tx,
          sql`select ${g.key} as key, ${g.code} as code, ${g.name} as name, count(*)::int as rows,
              sum(s.quantity)::text as quantity, sum(s.revenue)::text as revenue, sum(s.cost)::text as cost,
              (sum(s.revenue) - sum(s.cost))::text as gross_profit
            from (select * from sales_history where ${filter}) s
            join customers c on c.tenant_id = s.tenant_id and c.id = s.customer_id
            join products p on p.tenant_id = s.tenant_id and p.id = s.product_id
            left join users u on u.tenant_id = s.tenant_id and u.id = s.rep_id
            group by 1, 2, 3 order by ${order}`,
        );
        const groups = rows.map((r) => ({ ...r, quantity: num(r.quantity) }));
        const sum = (pick: (r: SummaryRow) => string) => rows.reduce((acc, r) => acc + toCents(pick(r)), 0n);
        const money = fromCents;
        const revenue = sum((r) => r.revenue);
        const cost = sum((r) => r.cost);
        return {
          by: query.by,
          groups,
          totals: {
            rows: rows.reduce((acc, r) => acc + r.rows, 0),
            quantity: Math.round(rows.reduce((acc, r) => acc + Number(r.quantity), 0) * 1000) / 1000,
            revenue: money(revenue),
            cost: money(cost),
            gross_profit: money(revenue - cost),
          },
        };
      });
    },
  };
}

export type SalesHistoryService = ReturnType<typeof createSalesHistoryService>;
