import { Type, type Static, type TLiteral, type TSchemaOptions, type TUnion } from 'typebox';
import { IsoDate, Money, Uuid } from '../../../platform/http/schemas.js';
import { RFM_SEGMENTS } from './rfm.js';

/** `null` first, so Ajv's coercion never turns an explicit null into "" or 0. */
const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(schema: T) =>
  Type.Union([Type.Null(), schema]);
type Literals<T extends readonly string[]> = { -readonly [K in keyof T]: TLiteral<T[K]> };
/** A union of string literals from a list, typed member by member (a mapped array types as never). */
export const oneOf = <const T extends readonly string[]>(
  values: T,
  options?: TSchemaOptions,
): TUnion<Literals<T>> =>
  Type.Union(
    values.map((v) => Type.Literal(v)),
    options,
  ) as never;

/** A quantity as a decimal string (three decimals). */
const Quantity = Type.String({ description: 'Decimal quantity, e.g. "12.500"' });
const Percent = Type.Number({ description: 'Percent, two decimals' });

export const PeriodOut = Type.Object({
  from: IsoDate,
  to: IsoDate,
  days: Type.Integer({ description: 'Days, both ends included' }),
});

const MoneyMetric = Type.Object({ value: Money, previous: Money, growth_percent: Percent });
const CountMetric = Type.Object({ value: Type.Integer(), previous: Type.Integer(), growth_percent: Percent });
const PercentMetric = Type.Object({ value: Percent, previous: Percent, growth_percent: Percent });

// ---- dashboard

export const DashboardQuery = Type.Object(
  {
    period: Type.Optional(
      oneOf(['day', 'week', 'month', 'quarter', 'year'], {
        description:
          'The calendar day/week/month/quarter/year holding today, up to today (default month); not with from/to',
      }),
    ),
    from: Type.Optional({ ...IsoDate, description: 'First day (tenant time zone); with to' }),
    to: Type.Optional({ ...IsoDate, description: 'Last day, included; with from' }),
    top: Type.Optional(Type.Integer({ minimum: 1, maximum: 50, default: 10, description: 'Top products' })),
  },
  { additionalProperties: false },
);
export type DashboardQuery = Static<typeof DashboardQuery>;

export const TopProduct = Type.Object({
  product_id: Uuid,
  code: Type.String(),
  name: Type.String(),
  revenue: Money,
  previous_revenue: Money,
  growth_percent: Percent,
  gross_profit: Money,
  margin_percent: Percent,
  quantity: Quantity,
});

export const Dashboard = Type.Object({
  currency: Type.String(),
  time_zone: Type.String(),
  period: PeriodOut,
  previous_period: PeriodOut,
  revenue: MoneyMetric,
  cost: MoneyMetric,
  gross_profit: MoneyMetric,
  margin_percent: PercentMetric,
  orders: CountMetric,
  shipments: CountMetric,
  average_order: MoneyMetric,
  new_customers: CountMetric,
  low_stock: CountMetric,
  out_of_stock: CountMetric,
  top_products: Type.Array(TopProduct),
});
export type Dashboard = Static<typeof Dashboard>;

// ---- sales report

export const SALES_GROUPS = ['product', 'folder', 'customer', 'warehouse', 'manager'] as const;
export type SalesGroup = (typeof SALES_GROUPS)[number];

export const SalesReportQuery = Type.Object(
  {
    from: Type.Optional({ ...IsoDate, description: 'First day (default: 29 days before to)' }),
    to: Type.Optional({ ...IsoDate, description: 'Last day, included (default: today)' }),
    granularity: Type.Optional(
      oneOf(['day', 'week', 'month'], { description: 'Period buckets (default month)' }),
    ),
    group_by: Type.Optional(oneOf(SALES_GROUPS, { description: 'Group rows by (default product)' })),
    product_id: Type.Optional(Uuid),
    folder_id: Type.Optional({ ...Uuid, description: 'Products in this folder or below it' }),
    customer_id: Type.Optional(Uuid),
    warehouse_id: Type.Optional(Uuid),
    owner_id: Type.Optional({ ...Uuid, description: 'The responsible manager' }),
    limit: Type.Optional(
      Type.Integer({
        minimum: 1,
        maximum: 1000,
        default: 100,
        description: 'Groups kept: the ones with the most revenue over the period',
      }),
    ),
  },
  { additionalProperties: false },
);
export type SalesReportQuery = Static<typeof SalesReportQuery>;

const Amounts = {
  revenue: Money,
  cost: Money,
  gross_profit: Money,
  margin_percent: Percent,
  quantity: Quantity,
};

const GroupRef = {
  key: Nullable(
    Type.String({ description: 'The id of the product, folder, customer, warehouse or manager' }),
  ),
  code: Nullable(Type.String()),
  name: Nullable(Type.String({ description: 'Null for sales without one (no folder, no customer…)' })),
};

export const SalesReportRow = Type.Object({ period_start: IsoDate, ...GroupRef, ...Amounts });
export type SalesReportRow = Static<typeof SalesReportRow>;
export const SalesGroupTotal = Type.Object({ ...GroupRef, ...Amounts });
export const SalesPeriodTotal = Type.Object({ period_start: IsoDate, ...Amounts });

export const SalesReport = Type.Object({
  currency: Type.String(),
  time_zone: Type.String(),
  period: PeriodOut,
  granularity: Type.String(),
  group_by: Type.String(),
  groups_total: Type.Integer({ description: 'Groups with sales in the period (rows keep `limit` of them)' }),
  rows: Type.Array(SalesReportRow),
  groups: Type.Array(SalesGroupTotal),
  periods: Type.Array(SalesPeriodTotal),
  totals: Type.Object(Amounts),
});
export type SalesReport = Static<typeof SalesReport>;

// ---- inventory report

export const InventoryReportQuery = Type.Object(
  {
    warehouse_id: Type.Optional(Uuid),
    limit: Type.Optional(
      Type.Integer({ minimum: 1, maximum: 1000, default: 100, description: 'Products per page' }),
    ),
    offset: Type.Optional(Type.Integer({ minimum: 0, default: 0 })),
    list_limit: Type.Optional(
      Type.Integer({
        minimum: 0,
        maximum: 1000,
        default: 100,
        description: 'Rows of the low, out-of and dead stock lists',
      }),
    ),
  },
  { additionalProperties: false },
);
export type InventoryReportQuery = Static<typeof InventoryReportQuery>;

export const InventoryProduct = Type.Object({
  product_id: Uuid,
  code: Type.String(),
  name: Type.String(),
  stock: Quantity,
  reserve: Quantity,
  available: Quantity,
  in_transit: Quantity,
  value_at_cost: Money,
  value_at_sale_price: Nullable(Money),
  shipped_in_window: Quantity,
  days_of_cover: Nullable(Type.Number({ description: 'Null: nothing shipped in the window (infinite)' })),
});

export const StockRow = Type.Object({
  product_id: Uuid,
  code: Type.String(),
  name: Type.String(),
  variant_id: Nullable(Uuid),
  warehouse_id: Uuid,
  warehouse_name: Type.String(),
  stock: Quantity,
  reserve: Quantity,
  available: Quantity,
  min_stock: Quantity,
});

export const DeadStockRow = Type.Object({
  product_id: Uuid,
  code: Type.String(),
  name: Type.String(),
  variant_id: Nullable(Uuid),
  warehouse_id: Uuid,
  warehouse_name: Type.String(),
  stock: Quantity,
  value_at_cost: Money,
  last_movement_at: Nullable(Type.String({ format: 'date-time' })),
  days_without_movement: Nullable(Type.Integer({ description: 'Null: never moved' })),
});

export const InventoryReport = Type.Object({
  currency: Type.String(),
  as_of: IsoDate,
  cover_window_days: Type.Integer(),
  dead_stock_days: Type.Integer(),
  sale_price_type_id: Nullable(Uuid),
  totals: Type.Object({
    stock_rows: Type.Integer(),
    products: Type.Integer(),
    stock: Quantity,
    value_at_cost: Money,
    value_at_sale_price: Nullable(Money),
    low_stock: Type.Integer(),
    out_of_stock: Type.Integer(),
    dead_stock: Type.Integer(),
    dead_stock_value_at_cost: Money,
  }),
  products: Type.Array(InventoryProduct),
  limit: Type.Integer(),
  offset: Type.Integer(),
  low_stock: Type.Array(StockRow),
  out_of_stock: Type.Array(StockRow),
  dead_stock: Type.Array(DeadStockRow),
});
export type InventoryReport = Static<typeof InventoryReport>;

// ---- customers (RFM)

export const RfmSegmentSchema = oneOf(RFM_SEGMENTS, { description: 'RFM segment' });
export const CUSTOMER_SORTS = [
  'monetary',
  '-monetary',
  'recency',
  '-recency',
  'frequency',
  '-frequency',
  'name',
] as const;

export const CustomersQuery = Type.Object(
  {
    window_days: Type.Optional(
      Type.Integer({
        minimum: 1,
        maximum: 3660,
        default: 365,
        description: 'Days up to today the RFM covers',
      }),
    ),
    segment: Type.Optional(RfmSegmentSchema),
    sort: Type.Optional(oneOf(CUSTOMER_SORTS, { description: 'Default -monetary' })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 50 })),
    offset: Type.Optional(Type.Integer({ minimum: 0, default: 0 })),
  },
  { additionalProperties: false },
);
export type CustomersQuery = Static<typeof CustomersQuery>;

export const RfmCustomer = Type.Object({
  customer_id: Uuid,
  code: Type.String(),
  name: Type.String(),
  last_shipment_on: IsoDate,
  recency_days: Type.Integer(),
  frequency: Type.Integer({ description: 'Posted shipments in the window' }),
  monetary: Money,
  r_score: Type.Integer(),
  f_score: Type.Integer(),
  m_score: Type.Integer(),
  rfm: Type.String({ description: 'R, F and M scores, e.g. "545"' }),
  segment: RfmSegmentSchema,
});
export type RfmCustomer = Static<typeof RfmCustomer>;

export const SegmentSummary = Type.Object({
  segment: RfmSegmentSchema,
  customers: Type.Integer(),
  monetary: Money,
  customers_percent: Percent,
  monetary_percent: Percent,
});

export const CustomersReport = Type.Object({
  currency: Type.String(),
  period: PeriodOut,
  customers: Type.Array(RfmCustomer),
  total: Type.Integer({ description: 'Customers matching the filters' }),
  limit: Type.Integer(),
  offset: Type.Integer(),
  segments: Type.Array(SegmentSummary),
});
export type CustomersReport = Static<typeof CustomersReport>;

// ---- ABC / XYZ

const Threshold = (fallback: number, description: string) =>
  Type.Optional(Type.Number({ minimum: 0, maximum: 100, default: fallback, description }));

export const AbcXyzQuery = Type.Object(
  {
    from: Type.Optional({
      ...IsoDate,
      description:
        'First day (default: the twelve whole months before the current one; with only to: 364 days before it)',
    }),
    to: Type.Optional({ ...IsoDate, description: 'Last day, included (with only from: today)' }),
    a: Threshold(80, 'Cumulative revenue share (%) the A products make up'),
    b: Threshold(95, 'Cumulative revenue share (%) the A and B products make up'),
    x: Threshold(10, 'Coefficient of variation (%) up to which a product is X'),
    y: Threshold(25, 'Coefficient of variation (%) up to which a product is Y'),
    xyz_period: Type.Optional(
      oneOf(['month', 'week'], { description: 'Buckets of the quantity series (default month)' }),
    ),
    abc: Type.Optional(oneOf(['A', 'B', 'C'], { description: 'Only this ABC class' })),
    xyz: Type.Optional(oneOf(['X', 'Y', 'Z'], { description: 'Only this XYZ class' })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 100 })),
    offset: Type.Optional(Type.Integer({ minimum: 0, default: 0 })),
  },
  { additionalProperties: false },
);
export type AbcXyzQuery = Static<typeof AbcXyzQuery>;

export const AbcXyzProduct = Type.Object({
  product_id: Uuid,
  code: Type.String(),
  name: Type.String(),
  revenue: Money,
  quantity: Quantity,
  share_percent: Type.Number(),
  cumulative_share_percent: Type.Number(),
  abc: Type.String(),
  cv_percent: Nullable(Type.Number({ description: 'Null: no net demand (mean ≤ 0)' })),
  xyz: Type.String(),
  class: Type.String({ description: 'ABC and XYZ, e.g. "AX"' }),
});
export type AbcXyzProduct = Static<typeof AbcXyzProduct>;

const Row = Type.Object({ X: Type.Integer(), Y: Type.Integer(), Z: Type.Integer() });

export const AbcXyzReport = Type.Object({
  currency: Type.String(),
  period: PeriodOut,
  thresholds: Type.Object({ a: Type.Number(), b: Type.Number(), x: Type.Number(), y: Type.Number() }),
  xyz_period: Type.String(),
  buckets: Type.Integer({ description: 'Periods in each product’s quantity series' }),
  products: Type.Array(AbcXyzProduct),
  total: Type.Integer(),
  limit: Type.Integer(),
  offset: Type.Integer(),
  matrix: Type.Object({ A: Row, B: Row, C: Row }),
  revenue: Money,
});
export type AbcXyzReport = Static<typeof AbcXyzReport>;
