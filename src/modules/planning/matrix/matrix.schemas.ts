import { Type, type Static } from 'typebox';
import {
  IsoDateTime,
  Money,
  NonNegativeMoney,
  PaginationQuery,
  sortQuery,
  Uuid,
} from '../../../platform/http/schemas.js';
import { Currency, Nullable } from '../common.js';

export const MatrixRow = Type.Object({
  id: Uuid,
  customer_id: Uuid,
  customer_code: Type.String(),
  customer_name: Type.String(),
  product_id: Uuid,
  product_code: Type.String(),
  product_name: Type.String(),
  price: Money,
  currency: Type.String(),
  rep_id: Nullable(Uuid),
  rep_name: Nullable(Type.String()),
  is_active: Type.Boolean(),
  created_at: IsoDateTime,
  updated_at: IsoDateTime,
});
export type MatrixRow = Static<typeof MatrixRow>;

const editable = {
  price: { ...NonNegativeMoney, description: 'The customer price: not negative, at most two decimals' },
  currency: Type.Optional({ ...Currency, description: 'ISO 4217 (default: the tenant’s currency)' }),
  rep_id: Type.Optional(
    Nullable(
      Type.String({ format: 'uuid', description: 'The responsible rep: an active user of the tenant' }),
    ),
  ),
  is_active: Type.Optional(Type.Boolean({ description: 'Inactive rows are not forecast' })),
};

export const CreateMatrixBody = Type.Object({
  customer_id: Type.String({ format: 'uuid', description: 'A customer of the tenant (otherwise 422)' }),
  product_id: Type.String({ format: 'uuid', description: 'A product of the tenant (otherwise 422)' }),
  ...editable,
});
export type CreateMatrixBody = Static<typeof CreateMatrixBody>;

export const UpdateMatrixBody = Type.Partial(Type.Object(editable), { minProperties: 1 });
export type UpdateMatrixBody = Static<typeof UpdateMatrixBody>;

export const matrixFilters = {
  customer_id: Type.Optional(Uuid),
  product_id: Type.Optional(Uuid),
  rep_id: Type.Optional(Uuid),
  is_active: Type.Optional(Type.Boolean({ description: 'Omitted: active and inactive' })),
  q: Type.Optional(
    Type.String({ minLength: 1, maxLength: 100, description: 'Customer or product code or name (contains)' }),
  ),
};
export type MatrixFilters = {
  customer_id?: string;
  product_id?: string;
  rep_id?: string;
  is_active?: boolean;
  q?: string;
};

export const MATRIX_SORTS = ['created_at', 'updated_at', 'price'] as const;

export const MatrixListQuery = Type.Object({
  ...PaginationQuery.properties,
  ...matrixFilters,
  sort: sortQuery(MATRIX_SORTS, '-created_at'),
});
export type MatrixListQuery = Static<typeof MatrixListQuery>;

export const MatrixExportQuery = Type.Object({
  ...matrixFilters,
  format: Type.Union([Type.Literal('csv'), Type.Literal('xlsx')], { default: 'csv' }),
});
export type MatrixExportQuery = Static<typeof MatrixExportQuery>;
