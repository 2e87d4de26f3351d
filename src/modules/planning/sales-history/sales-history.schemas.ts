import { Type, type Static } from 'typebox';
import { IsoDateTime, Money, PaginationQuery, sortQuery, Uuid } from '../../../platform/http/schemas.js';
import { Month, Nullable } from '../common.js';

export const SalesHistoryRow = Type.Object({
  id: Uuid,
  customer_id: Uuid,
  customer_code: Type.String(),
  customer_name: Type.String(),
  product_id: Uuid,
  product_code: Type.String(),
  product_name: Type.String(),
  month: Month,
  quantity: Type.Number(),
  revenue: Money,
  cost: Money,
  gross_profit: Type.String({ description: 'revenue − cost' }),
  rep_id: Nullable(Uuid),
  rep_name: Nullable(Type.String()),
  created_at: IsoDateTime,
  updated_at: IsoDateTime,
});
export type SalesHistoryRow = Static<typeof SalesHistoryRow>;

/** The filters every sales-history read takes (list, summary, export). */
export const salesHistoryFilters = {
  customer_id: Type.Optional(Uuid),
  product_id: Type.Optional(Uuid),
  rep_id: Type.Optional(Uuid),
  org_unit_id: Type.Optional(
    Type.String({
      format: 'uuid',
      description: 'Rows whose rep is in this org unit’s subtree (or its teams)',
    }),
  ),
  from: Type.Optional({ ...Month, description: 'First month included (YYYY-MM)' }),
  to: Type.Optional({ ...Month, description: 'Last month included (YYYY-MM)' }),
};
export type SalesHistoryFilters = {
  customer_id?: string;
  product_id?: string;
  rep_id?: string;
  org_unit_id?: string;
  from?: string;
  to?: string;
};

export const SALES_HISTORY_SORTS = ['month', 'created_at', 'revenue', 'quantity'] as const;

export const SalesHistoryListQuery = Type.Object({
  ...PaginationQuery.properties,
  ...salesHistoryFilters,
  sort: sortQuery(SALES_HISTORY_SORTS, '-month'),
});
export type SalesHistoryListQuery = Static<typeof SalesHistoryListQuery>;

export const SummaryBy = Type.Union(
  [Type.Literal('month'), Type.Literal('customer'), Type.Literal('product'), Type.Literal('rep')],
  { default: 'month' },
);

export const SalesSummaryQuery = Type.Object({ by: SummaryBy, ...salesHistoryFilters });
export type SalesSummaryQuery = Static<typeof SalesSummaryQuery>;

const Figures = {
  quantity: Type.Number(),
  revenue: Money,
  cost: Money,
  gross_profit: Type.String({ description: 'revenue − cost' }),
};

export const SalesSummary = Type.Object({
  by: SummaryBy,
  groups: Type.Array(
    Type.Object({
      key: Nullable(
        Type.String({ description: 'YYYY-MM for month, else the customer/product/rep id (null: no rep)' }),
      ),
      code: Nullable(Type.String({ description: 'Customer or product code' })),
      name: Nullable(Type.String({ description: 'Customer, product or rep name' })),
      rows: Type.Integer({ minimum: 0 }),
      ...Figures,
    }),
  ),
  totals: Type.Object({ rows: Type.Integer({ minimum: 0 }), ...Figures }),
});
export type SalesSummary = Static<typeof SalesSummary>;

export const SalesHistoryExportQuery = Type.Object({
  ...salesHistoryFilters,
  format: Type.Union([Type.Literal('csv'), Type.Literal('xlsx')], { default: 'csv' }),
});
export type SalesHistoryExportQuery = Static<typeof SalesHistoryExportQuery>;
