import { Type, type Static } from 'typebox';
import { IsoDateTime, Money, PaginationQuery, sortQuery, Uuid } from '../../../platform/http/schemas.js';

/** `null` first, so Ajv's coercion never turns an explicit null into "" or 0. */
export const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(schema: T) =>
  Type.Union([Type.Null(), schema]);

/** A quantity as a decimal string (three decimals at most). */
export const Quantity = Type.String({
  pattern: '^-?\\d{1,15}(\\.\\d{1,3})?$',
  description: 'Decimal, e.g. "12.5"',
});
export const NonNegativeQuantity = Type.String({
  pattern: '^\\d{1,15}(\\.\\d{1,3})?$',
  description: 'Decimal, not negative, e.g. "12.5"',
});

export const STOCK_STATUSES = ['ok', 'low', 'out'] as const;
export const StockStatus = Type.Union([Type.Literal('ok'), Type.Literal('low'), Type.Literal('out')], {
  description: 'out: available ≤ 0; low: 0 < available ≤ min_stock; ok: above',
});

export const StockRow = Type.Object({
  id: Uuid,
  product_id: Uuid,
  product_code: Type.String(),
  product_name: Type.String(),
  article: Nullable(Type.String()),
  variant_id: Nullable(Uuid),
  variant_name: Nullable(Type.String()),
  warehouse_id: Uuid,
  warehouse_name: Type.String(),
  stock: Quantity,
  reserve: Quantity,
  in_transit: Quantity,
  available: Quantity,
  min_stock: Quantity,
  status: StockStatus,
  unit_cost: Money,
  value: Type.String({ description: 'stock × unit_cost, rounded to cents' }),
  last_movement_at: Nullable(IsoDateTime),
});
export type StockRow = Static<typeof StockRow>;

export const STOCK_SORTS = ['stock', 'reserve', 'in_transit', 'last_movement_at', 'updated_at'] as const;

export const StockListQuery = Type.Object({
  ...PaginationQuery.properties,
  warehouse_id: Type.Optional(Uuid),
  folder_id: Type.Optional(Type.Union([Uuid], { description: 'The folder and its subfolders' })),
  product_id: Type.Optional(Uuid),
  q: Type.Optional(
    Type.String({
      minLength: 1,
      maxLength: 200,
      description: 'Words starting the name, code, article or a barcode',
    }),
  ),
  status: Type.Optional(StockStatus),
  sort: Type.Optional(sortQuery(STOCK_SORTS, '-stock')),
});
export type StockListQuery = Static<typeof StockListQuery>;

export const StockTotals = Type.Object({
  stock: Quantity,
  reserve: Quantity,
  in_transit: Quantity,
  available: Quantity,
  value: Type.String({ description: 'Σ stock × unit cost' }),
});

export const StockListResponse = Type.Object({
  stock: Type.Array(StockRow),
  totals: StockTotals,
  total: Type.Union([Type.Integer({ minimum: 0 }), Type.Null()]),
  limit: Type.Integer({ minimum: 1 }),
  offset: Type.Integer({ minimum: 0 }),
  next_cursor: Type.Union([Type.String(), Type.Null()]),
});

export const ProductStockQuery = Type.Object({
  at: Type.Optional(
    Type.String({ format: 'date-time', description: 'Stock at this past instant (Σ movements up to it)' }),
  ),
});
export type ProductStockQuery = Static<typeof ProductStockQuery>;

export const ProductStockRow = Type.Object({
  warehouse_id: Uuid,
  warehouse_name: Type.String(),
  variant_id: Nullable(Uuid),
  variant_name: Nullable(Type.String()),
  stock: Quantity,
  reserve: Nullable(Quantity),
  in_transit: Nullable(Quantity),
  available: Nullable(Quantity),
  min_stock: Quantity,
  threshold_source: Type.Union([Type.Literal('warehouse'), Type.Literal('product'), Type.Literal('default')]),
  status: StockStatus,
});

export const ProductStock = Type.Object({
  product_id: Uuid,
  product_code: Type.String(),
  product_name: Type.String(),
  min_stock: Nullable(Quantity),
  at: Nullable(IsoDateTime),
  stock: Quantity,
  rows: Type.Array(ProductStockRow),
});
export type ProductStock = Static<typeof ProductStock>;

export const StoresQuery = Type.Object({
  limit: PaginationQuery.properties.limit,
  offset: PaginationQuery.properties.offset,
  include_archived: Type.Boolean({ default: false }),
});
export type StoresQuery = Static<typeof StoresQuery>;

export const Store = Type.Object({
  id: Uuid,
  code: Type.String(),
  name: Type.String(),
  archived_at: Nullable(IsoDateTime),
  products: Type.Integer({ description: 'Products with stock > 0 here' }),
  stock: Quantity,
  value_at_cost: Type.String(),
  value_at_sale: Nullable(Type.String()),
  low: Type.Integer({ description: 'Levels with low stock' }),
  out: Type.Integer({ description: 'Levels out of stock' }),
});
export type Store = Static<typeof Store>;

export const Movement = Type.Object({
  id: Uuid,
  product_id: Uuid,
  product_code: Type.String(),
  product_name: Type.String(),
  variant_id: Nullable(Uuid),
  warehouse_id: Uuid,
  moment: IsoDateTime,
  quantity: Quantity,
  kind: Type.Union([Type.Literal('document'), Type.Literal('adjustment'), Type.Literal('sync')]),
  document_id: Nullable(Uuid),
  reason: Nullable(Type.String()),
  created_by: Nullable(Uuid),
  created_at: IsoDateTime,
});
export type Movement = Static<typeof Movement>;

export const MovementListQuery = Type.Object({
  ...PaginationQuery.properties,
  product_id: Type.Optional(Uuid),
  warehouse_id: Type.Optional(Uuid),
  document_id: Type.Optional(Uuid),
  kind: Type.Optional(
    Type.Union([Type.Literal('document'), Type.Literal('adjustment'), Type.Literal('sync')]),
  ),
  from: Type.Optional(IsoDateTime),
  to: Type.Optional(IsoDateTime),
  sort: Type.Optional(sortQuery(['moment', 'created_at'], '-moment')),
});
export type MovementListQuery = Static<typeof MovementListQuery>;

export const Threshold = Type.Object({
  id: Uuid,
  product_id: Uuid,
  warehouse_id: Uuid,
  min_stock: Quantity,
  created_at: IsoDateTime,
  updated_at: IsoDateTime,
});
export type Threshold = Static<typeof Threshold>;

export const ThresholdListQuery = Type.Object({
  ...PaginationQuery.properties,
  product_id: Type.Optional(Uuid),
  warehouse_id: Type.Optional(Uuid),
  sort: Type.Optional(sortQuery(['created_at', 'updated_at'], 'created_at')),
});
export type ThresholdListQuery = Static<typeof ThresholdListQuery>;

export const ThresholdParams = Type.Object({ product_id: Uuid, warehouse_id: Uuid });
export type ThresholdParams = Static<typeof ThresholdParams>;
export const ThresholdBody = Type.Object({ min_stock: NonNegativeQuantity }, { additionalProperties: false });
export type ThresholdBody = Static<typeof ThresholdBody>;

export const AdjustmentBody = Type.Object(
  {
    product_id: Uuid,
    variant_id: Type.Optional(Nullable(Uuid)),
    warehouse_id: Uuid,
    quantity: Type.Optional(Type.String({ ...Quantity, description: 'Signed change of stock, not zero' })),
    new_count: Type.Optional(Type.String({ ...NonNegativeQuantity, description: 'The counted stock' })),
    reason: Type.String({ minLength: 1, maxLength: 500 }),
  },
  { additionalProperties: false },
);
export type AdjustmentBody = Static<typeof AdjustmentBody>;

export const AdjustmentResult = Type.Object({ movement: Nullable(Movement), level: StockRow });
export type AdjustmentResult = Static<typeof AdjustmentResult>;
