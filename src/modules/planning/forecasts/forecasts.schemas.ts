import { Type, type Static } from 'typebox';
import {
  IsoDateTime,
  Money,
  NonNegativeMoney,
  PaginationQuery,
  sortQuery,
  Uuid,
} from '../../../platform/http/schemas.js';
import { BASELINE_SETTINGS } from '../forecasting/index.js';
import { Month, Nullable, Quantity } from '../common.js';

export const ForecastStatus = Type.Union([
  Type.Literal('draft'),
  Type.Literal('submitted'),
  Type.Literal('approved'),
  Type.Literal('rejected'),
]);

export const ForecastLine = Type.Object({
  month: Month,
  quantity: Type.Number(),
  price_override: Nullable(Money),
  price: Money,
  revenue: Money,
});

export const Forecast = Type.Object({
  id: Uuid,
  cycle_id: Uuid,
  customer_id: Uuid,
  customer_code: Type.String(),
  customer_name: Type.String(),
  product_id: Uuid,
  product_code: Type.String(),
  product_name: Type.String(),
  rep_id: Uuid,
  rep_name: Nullable(Type.String()),
  status: ForecastStatus,
  comment: Nullable(Type.String()),
  submitted_at: Nullable(IsoDateTime),
  approved_at: Nullable(IsoDateTime),
  rejected_at: Nullable(IsoDateTime),
  decided_by: Nullable(Uuid),
  total_quantity: Type.Number(),
  total_revenue: Money,
  lines: Type.Array(ForecastLine),
  created_at: IsoDateTime,
  updated_at: IsoDateTime,
});
export type Forecast = Static<typeof Forecast>;

export const LineInput = Type.Object(
  {
    month: { ...Month, description: 'YYYY-MM, inside the cycle’s 16-month window' },
    quantity: { ...Quantity, description: 'Not negative, at most three decimals' },
    price_override: Type.Optional(
      Nullable({ ...NonNegativeMoney, description: 'Replaces the matrix price: at most two decimals' }),
    ),
  },
  { additionalProperties: false },
);
export type LineInput = Static<typeof LineInput>;

const Lines = Type.Array(LineInput, {
  maxItems: 16,
  description: 'One per month (a month twice is 422); revenue = round(quantity × price, 2)',
});

export const CreateForecastBody = Type.Object(
  { cycle_id: Uuid, customer_id: Uuid, product_id: Uuid, lines: Lines },
  { additionalProperties: false },
);
export type CreateForecastBody = Static<typeof CreateForecastBody>;

export const UpdateForecastBody = Type.Object({ lines: Lines }, { additionalProperties: false });
export type UpdateForecastBody = Static<typeof UpdateForecastBody>;

export const RejectBody = Type.Object(
  { comment: Type.String({ minLength: 1, maxLength: 2000, pattern: '\\S', description: 'Required' }) },
  { additionalProperties: false },
);
export type RejectBody = Static<typeof RejectBody>;

export const FORECAST_SORTS = ['created_at', 'updated_at', 'submitted_at'] as const;

export const ForecastListQuery = Type.Object({
  ...PaginationQuery.properties,
  cycle_id: Type.Optional(Uuid),
  customer_id: Type.Optional(Uuid),
  product_id: Type.Optional(Uuid),
  rep_id: Type.Optional(Uuid),
  status: Type.Optional(ForecastStatus),
  sort: sortQuery(FORECAST_SORTS, '-created_at'),
});
export type ForecastListQuery = Static<typeof ForecastListQuery>;

export const ForecastList = Type.Object({
  forecasts: Type.Array(Forecast),
  total: Nullable(Type.Integer()),
  limit: Type.Integer(),
  offset: Type.Integer(),
  next_cursor: Nullable(Type.String()),
});

const Method = Type.Union(BASELINE_SETTINGS.map((m) => Type.Literal(m)));

export const BaselineQuery = Type.Object({
  cycle_id: Uuid,
  customer_id: Uuid,
  product_id: Uuid,
  method: Type.Optional({ ...Method, description: 'Overrides the tenant’s baseline_method setting' }),
});
export type BaselineQuery = Static<typeof BaselineQuery>;

export const BaselineView = Type.Object({
  cycle_id: Uuid,
  customer_id: Uuid,
  product_id: Uuid,
  requested: Type.String(),
  method: Type.String({ description: 'moving_average | seasonal_naive | holt_winters | mean | zero' }),
  backtest_error: Nullable(Type.Number({ description: 'Mean absolute error over the 6-month holdout' })),
  error_metric: Type.Literal('mae'),
  fallback: Nullable(Type.String()),
  candidates: Type.Array(
    Type.Object({
      method: Type.String(),
      backtest_error: Nullable(Type.Number()),
      reason: Nullable(Type.String()),
    }),
  ),
  history: Nullable(Type.Object({ from: Month, to: Month, length: Type.Integer() })),
  months: Type.Array(Type.Object({ month: Month, quantity: Type.Number() })),
});
export type BaselineView = Static<typeof BaselineView>;

export const TemplateQuery = Type.Object({ cycle_id: Uuid });
export type TemplateQuery = Static<typeof TemplateQuery>;

export const ImportResult = Type.Object({
  created: Type.Integer({ minimum: 0, description: 'Drafts created' }),
  updated: Type.Integer({ minimum: 0, description: 'Drafts whose lines were replaced' }),
  skipped: Type.Integer({ minimum: 0, description: 'Rows without any quantity' }),
  forecast_ids: Type.Array(Uuid),
});
export type ImportResult = Static<typeof ImportResult>;
