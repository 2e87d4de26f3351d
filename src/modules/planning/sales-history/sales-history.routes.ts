import { asc, getTableColumns, gt, sql } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import type { TenantDatabase } from '../../../platform/db/types.js';
import { ListEnvelope } from '../../../platform/http/schemas.js';
import { actionsOf } from '../../../platform/resource/index.js';
import { exportRoute, EXPORT_PAGE } from '../export.js';
import { salesHistory } from '../tables/planning.tables.js';
import {
  SalesHistoryExportQuery,
  SalesHistoryListQuery,
  SalesHistoryRow,
  SalesSummary,
  SalesSummaryQuery,
} from './sales-history.schemas.js';
import {
  SALES_FIELDS,
  salesConditions,
  salesHistoryResource,
  toSalesJson,
  type SalesHistoryService,
  type SalesNamed,
} from './sales-history.service.js';

const tag = 'sales-history';

const REP_EMAIL = sql<
  string | null
>`(select u.email from users u where u.tenant_id = ${salesHistory.tenantId} and u.id = ${salesHistory.repId})`;

/** The import's columns first (an edited export imports again), then what only the server knows. */
export const SALES_EXPORT_HEADER = [
  'customer_code',
  'product_code',
  'month',
  'quantity',
  'revenue',
  'cost',
  'rep_email',
  'customer_name',
  'product_name',
  'gross_profit',
  'rep_name',
];

export function salesHistoryRoutes(app: FastifyInstance, db: TenantDatabase, service: SalesHistoryService) {
  const action = actionsOf(app, tag);
  const read = 'sales_history:read';
  action(
    {
      method: 'get',
      path: '/sales-history',
      summary: 'List monthly sales in the data scope (an agent: their own; keyset paging with cursor)',
      description:
        'Filters: customer_id, product_id, rep_id, org_unit_id (reps in that org unit’s subtree), from/to (YYYY-MM, ' +
        'inclusive; to before from is 422). Rows without a rep are seen by tenant-wide roles only.',
      permission: read,
      query: SalesHistoryListQuery,
      response: ListEnvelope('sales_history', SalesHistoryRow),
    },
    (ctx, _id, _body, query) => service.list(ctx, query),
  );
  action(
    {
      method: 'get',
      path: '/sales-history/summary',
      summary:
        'Quantity, revenue, cost and gross profit by month, customer, product or rep (the list’s filters)',
      permission: read,
      query: SalesSummaryQuery,
      response: SalesSummary,
    },
    (ctx, _id, _body, query) => service.summary(ctx, query),
  );
  exportRoute<SalesHistoryExportQuery, SalesNamed & { repEmail: string | null }>(app, db, {
    path: '/sales-history/export',
    tag,
    permission: read,
    summary: 'Export the sales history in scope as CSV or XLSX (the list’s filters apply)',
    query: SalesHistoryExportQuery,
    entity: 'sales_history',
    header: SALES_EXPORT_HEADER,
    page: async (tx, ctx, query, afterId) =>
      (await tx.db
        .select({ ...getTableColumns(salesHistory), ...SALES_FIELDS, repEmail: REP_EMAIL })
        .from(salesHistory)
        .where(
          salesHistoryResource.where(
            ctx,
            ...salesConditions(query),
            afterId ? gt(salesHistory.id, afterId) : undefined,
          ),
        )
        .orderBy(asc(salesHistory.id))
        .limit(EXPORT_PAGE)) as (SalesNamed & { repEmail: string | null })[],
    cells: (row) => {
      const json = toSalesJson(row);
      return [
        json.customer_code,
        json.product_code,
        json.month,
        json.quantity,
        json.revenue,
        json.cost,
        row.repEmail,
        json.customer_name,
        json.product_name,
        json.gross_profit,
        json.rep_name,
      ];
    },
  });
}
