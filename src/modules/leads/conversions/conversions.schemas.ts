import { Type, type Static } from 'typebox';
import {
  IsoDate,
  IsoDateTime,
  NonNegativeMoney,
  PaginationQuery,
  sortQuery,
  Uuid,
} from '../../../platform/http/schemas.js';
import { Currency, Nullable, Text } from '../schemas.js';

export const ConversionOrigin = Type.Union([Type.Literal('manual'), Type.Literal('import')]);

export const Conversion = Type.Object({
  id: Uuid,
  lead_id: Uuid,
  agent_id: Uuid,
  outlet_id: Nullable(Uuid),
  campaign_id: Nullable(Uuid),
  source_id: Nullable(Uuid),
  product_id: Nullable(Uuid),
  amount: Type.String({ description: 'Sale amount, decimal string' }),
  cost: Type.String({ description: 'Cost of the sale, decimal string' }),
  currency: Type.String(),
  converted_at: IsoDateTime,
  lead_captured_at: IsoDateTime,
  origin: ConversionOrigin,
  external_system: Nullable(Type.String()),
  external_sale_id: Nullable(Type.String()),
  import_run_id: Nullable(Uuid),
  notes: Nullable(Type.String()),
  created_by: Nullable(Uuid),
  created_at: IsoDateTime,
  updated_at: IsoDateTime,
});
export type Conversion = Static<typeof Conversion>;

const ExternalId = Type.String({ minLength: 1, maxLength: 128, pattern: '^\\S(.*\\S)?$' });

/** Amounts are decimal strings or JSON numbers (validation turns a number into its decimal text). */
export const CreateConversionBody = Type.Object({
  lead_id: Uuid,
  amount: NonNegativeMoney,
  cost: Type.Optional(NonNegativeMoney),
  currency: Type.Optional(Type.Union([Currency], { description: 'Defaults to the tenant’s currency' })),
  product_id: Type.Optional(Type.Union([Uuid], { description: 'Defaults to the lead’s product' })),
  converted_at: Type.Optional(
    Type.String({ format: 'date-time', description: 'Defaults to now; at most 5 minutes ahead' }),
  ),
  external_system: Type.Optional(ExternalId),
  external_sale_id: Type.Optional(ExternalId),
  notes: Type.Optional(Nullable(Text())),
});
export type CreateConversionBody = Static<typeof CreateConversionBody>;

export const UpdateConversionBody = Type.Partial(
  Type.Object({
    amount: NonNegativeMoney,
    cost: NonNegativeMoney,
    product_id: Nullable(Uuid),
    converted_at: Type.String({ format: 'date-time' }),
    notes: Nullable(Text()),
  }),
  { minProperties: 1 },
);
export type UpdateConversionBody = Static<typeof UpdateConversionBody>;

export const CONVERSION_SORT = ['converted_at', 'created_at', 'amount'] as const;

export const ConversionListQuery = Type.Object({
  ...PaginationQuery.properties,
  agent: Type.Optional(Uuid),
  outlet: Type.Optional(Uuid),
  campaign: Type.Optional(Uuid),
  source: Type.Optional(Uuid),
  lead: Type.Optional(Uuid),
  origin: Type.Optional(ConversionOrigin),
  date_from: Type.Optional(Type.Union([IsoDate], { description: 'Converted on or after (tenant day)' })),
  date_to: Type.Optional(Type.Union([IsoDate], { description: 'Converted on or before (tenant day)' })),
  sort: sortQuery(CONVERSION_SORT, '-converted_at'),
});
export type ConversionListQuery = Static<typeof ConversionListQuery>;

export const ExternalSaleRowStatus = Type.Union([
  Type.Literal('created'),
  Type.Literal('updated'),
  Type.Literal('unchanged'),
  Type.Literal('unmatched'),
]);

export const ExternalSaleRowsQuery = Type.Object({
  ...PaginationQuery.properties,
  status: Type.Optional(ExternalSaleRowStatus),
});
export type ExternalSaleRowsQuery = Static<typeof ExternalSaleRowsQuery>;

export const ExternalSaleRow = Type.Object({
  row_number: Type.Integer(),
  external_system: Type.String(),
  external_sale_id: Type.String(),
  status: ExternalSaleRowStatus,
  reason: Nullable(
    Type.Union([
      Type.Literal('lead_uuid_unknown'),
      Type.Literal('no_lead_with_phone'),
      Type.Literal('lead_not_convertible'),
    ]),
  ),
  lead_id: Nullable(Uuid),
  conversion_id: Nullable(Uuid),
});

export const ExternalSaleRows = Type.Object({
  import_id: Uuid,
  counts: Type.Object({
    matched: Type.Integer({ description: 'created + updated + unchanged' }),
    created: Type.Integer(),
    updated: Type.Integer(),
    unchanged: Type.Integer(),
    unmatched: Type.Integer(),
  }),
  rows: Type.Array(ExternalSaleRow),
  total: Type.Integer(),
  limit: Type.Integer(),
  offset: Type.Integer(),
});
export type ExternalSaleRows = Static<typeof ExternalSaleRows>;
