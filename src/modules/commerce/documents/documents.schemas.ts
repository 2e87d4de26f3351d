import { Type, type Static } from 'typebox';
import {
  IsoDateTime,
  Money,
  NonNegativeMoney,
  PaginationQuery,
  sortQuery,
  Uuid,
} from '../../../platform/http/schemas.js';
import { NonNegativeQuantity, Nullable } from '../inventory/inventory.schemas.js';

const KINDS = [
  'customer_order',
  'shipment',
  'invoice_out',
  'sales_return',
  'purchase_order',
  'supply',
  'invoice_in',
  'purchase_return',
] as const;
export const DocumentKindSchema = Type.Union([
  Type.Literal(KINDS[0]),
  Type.Literal(KINDS[1]),
  Type.Literal(KINDS[2]),
  Type.Literal(KINDS[3]),
  Type.Literal(KINDS[4]),
  Type.Literal(KINDS[5]),
  Type.Literal(KINDS[6]),
  Type.Literal(KINDS[7]),
]);

/** Percent 0–100 with at most two decimals. */
const Percent = Type.String({
  pattern: '^(100(\\.0{1,2})?|\\d{1,2}(\\.\\d{1,2})?)$',
  description: 'Percent 0–100, e.g. "12.5"',
});

export const PositionInput = Type.Object(
  {
    product_id: Uuid,
    variant_id: Type.Optional(Nullable(Uuid)),
    quantity: Type.String({ ...NonNegativeQuantity, description: 'Greater than zero' }),
    price: NonNegativeMoney,
    discount: Type.Optional(Percent),
    vat_rate: Type.Optional(Nullable(Percent)),
    reserve: Type.Optional(
      Nullable(
        Type.String({ ...NonNegativeQuantity, description: 'Customer orders only; at most the quantity' }),
      ),
    ),
  },
  { additionalProperties: false },
);
export type PositionInput = Static<typeof PositionInput>;

const editable = {
  number: Type.String({
    minLength: 1,
    maxLength: 50,
    description: 'Assigned per kind (00001, …) when omitted',
  }),
  moment: IsoDateTime,
  applicable: Type.Boolean({ description: 'Posted: only posted documents move stock' }),
  state: Nullable(Type.String({ maxLength: 100 })),
  customer_id: Nullable(Uuid),
  warehouse_id: Nullable(Uuid),
  owner_id: Nullable(Uuid),
  currency: Type.String({ pattern: '^[A-Z]{3}$' }),
  description: Nullable(Type.String({ maxLength: 4000 })),
  positions: Type.Array(PositionInput, { maxItems: 1000 }),
};

export const CreateDocumentBody = Type.Object(
  {
    kind: DocumentKindSchema,
    number: Type.Optional(editable.number),
    moment: Type.Optional(editable.moment),
    applicable: Type.Optional(editable.applicable),
    state: Type.Optional(editable.state),
    customer_id: Type.Optional(editable.customer_id),
    warehouse_id: Type.Optional(editable.warehouse_id),
    owner_id: Type.Optional(editable.owner_id),
    currency: Type.Optional(editable.currency),
    description: Type.Optional(editable.description),
    positions: editable.positions,
  },
  { additionalProperties: false },
);
export type CreateDocumentBody = Static<typeof CreateDocumentBody>;

/** A full replacement: omitted optional fields keep their values, `positions` replace all positions. */
export const UpdateDocumentBody = Type.Object(
  {
    number: Type.Optional(editable.number),
    moment: Type.Optional(editable.moment),
    applicable: Type.Optional(editable.applicable),
    state: Type.Optional(editable.state),
    customer_id: Type.Optional(editable.customer_id),
    warehouse_id: Type.Optional(editable.warehouse_id),
    owner_id: Type.Optional(editable.owner_id),
    currency: Type.Optional(editable.currency),
    description: Type.Optional(editable.description),
    positions: editable.positions,
  },
  { additionalProperties: false },
);
export type UpdateDocumentBody = Static<typeof UpdateDocumentBody>;

export const Position = Type.Object({
  line_no: Type.Integer(),
  product_id: Uuid,
  product_code: Type.String(),
  product_name: Type.String(),
  variant_id: Nullable(Uuid),
  quantity: Type.String(),
  price: Money,
  discount: Type.String(),
  vat_rate: Nullable(Type.String()),
  sum: Money,
  vat_sum: Money,
  unit_cost: Money,
  reserve: Type.String(),
});

export const DocumentSummary = Type.Object({
  id: Uuid,
  kind: DocumentKindSchema,
  direction: Type.Union([Type.Literal('sales'), Type.Literal('purchase')]),
  number: Type.String(),
  moment: IsoDateTime,
  applicable: Type.Boolean(),
  state: Nullable(Type.String()),
  customer_id: Nullable(Uuid),
  customer_name: Nullable(Type.String()),
  warehouse_id: Nullable(Uuid),
  owner_id: Nullable(Uuid),
  currency: Type.String(),
  sum: Money,
  vat_sum: Money,
  cost_sum: Money,
  description: Nullable(Type.String()),
  source: Type.String(),
  read_only: Type.Boolean({ description: 'Synced from an ERP: changed there, not here' }),
  deleted_at: Nullable(IsoDateTime),
  created_at: IsoDateTime,
  updated_at: IsoDateTime,
});
export type DocumentSummary = Static<typeof DocumentSummary>;

export const DocumentDetail = Type.Object({ ...DocumentSummary.properties, positions: Type.Array(Position) });
export type DocumentDetail = Static<typeof DocumentDetail>;

export const DocumentListQuery = Type.Object({
  ...PaginationQuery.properties,
  kind: Type.Optional(DocumentKindSchema),
  direction: Type.Optional(Type.Union([Type.Literal('sales'), Type.Literal('purchase')])),
  customer_id: Type.Optional(Uuid),
  warehouse_id: Type.Optional(Uuid),
  owner_id: Type.Optional(Uuid),
  state: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
  applicable: Type.Optional(Type.Boolean()),
  from: Type.Optional(IsoDateTime),
  to: Type.Optional(IsoDateTime),
  q: Type.Optional(Type.String({ minLength: 1, maxLength: 50, description: 'Number starts with' })),
  source: Type.Optional(Type.String({ minLength: 1, maxLength: 50 })),
  deleted: Type.Boolean({ default: false, description: 'List deleted (ERP trash) documents instead' }),
  sort: Type.Optional(sortQuery(['moment', 'number', 'sum', 'created_at'], '-moment')),
});
export type DocumentListQuery = Static<typeof DocumentListQuery>;

export const SALES_KINDS = KINDS.slice(0, 4);
export const PURCHASE_KINDS = KINDS.slice(4);
