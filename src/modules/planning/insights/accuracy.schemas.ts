import { Type, type Static } from 'typebox';
import { Nullable } from '../common.js';

const Uuid = Type.String({ format: 'uuid' });

export const ACCURACY_GROUPS = ['rep', 'customer', 'product', 'cycle'] as const;
export type AccuracyGroup = (typeof ACCURACY_GROUPS)[number];

export const AccuracyGroupBy = Type.Union(
  [Type.Literal('rep'), Type.Literal('customer'), Type.Literal('product'), Type.Literal('cycle')],
  { description: 'rep (default), customer, product or cycle' },
);

export const AccuracyQuery = Type.Object(
  {
    cycle_id: Type.Optional(Uuid),
    rep_id: Type.Optional(Uuid),
    customer_id: Type.Optional(Uuid),
    product_id: Type.Optional(Uuid),
    group_by: Type.Optional(AccuracyGroupBy),
  },
  { additionalProperties: false },
);
export type AccuracyQuery = Static<typeof AccuracyQuery>;

const Figures = Type.Object({
  pairs: Type.Integer({ description: 'Forecast months with actual sales' }),
  sum_forecast: Type.Number(),
  sum_actual: Type.Number(),
  mape: Nullable(Type.Number({ description: 'Percent over the pairs whose actual is not 0' })),
  mape_used: Type.Integer(),
  mape_skipped: Type.Integer({ description: 'Pairs with actual 0 (left out of MAPE)' }),
  wape: Nullable(Type.Number({ description: 'Percent: 100 · Σ|F − A| ÷ Σ|A|' })),
  bias: Nullable(Type.Number({ description: 'Percent: 100 · Σ(F − A) ÷ ΣA; positive is over-forecast' })),
  mae: Nullable(Type.Number({ description: 'Units' })),
});
export type AccuracyFigures = Static<typeof Figures>;

export const AccuracyGroupRow = Type.Object({
  key: Type.String({ description: 'The id of the rep, customer, product or cycle' }),
  label: Type.String(),
  forecasts: Type.Integer({ description: 'Forecasts with at least one month with actuals' }),
  forecast: Figures,
  baseline: Figures,
  wape_difference: Nullable(Type.Number({ description: 'Forecast WAPE − baseline WAPE (points)' })),
  forecast_beat_baseline: Nullable(Type.Boolean()),
});
export type AccuracyGroupRow = Static<typeof AccuracyGroupRow>;

export const AccuracyReport = Type.Object({
  group_by: AccuracyGroupBy,
  actuals_through: Nullable(Type.String({ description: 'The last month (YYYY-MM) counted as actual' })),
  groups: Type.Array(AccuracyGroupRow),
  total: AccuracyGroupRow,
});
export type AccuracyReport = Static<typeof AccuracyReport>;
