import { Type, type Static } from 'typebox';
import { IsoDate, Uuid } from '../../../platform/http/schemas.js';
import { Nullable } from '../field.schemas.js';

const From = Type.Optional(
  Type.Union([IsoDate], { description: 'First day (UTC, inclusive); default 29 days before `to`' }),
);
const To = Type.Optional(Type.Union([IsoDate], { description: 'Last day (UTC, inclusive); default today' }));
const IntervalSchema = Type.Union([Type.Literal('day'), Type.Literal('week'), Type.Literal('month')], {
  default: 'day',
  description: 'Bucket size; weeks start on Monday',
});
const Percent = Type.Number({ description: 'Percentage, two decimals' });

export const PeriodQuery = Type.Object({ from: From, to: To });
export type PeriodQuery = Static<typeof PeriodQuery>;

export const Metric = Type.Object({
  value: Type.Number(),
  previous: Type.Number({ description: 'The same measure over the previous period of equal length' }),
  change_percent: Type.Number({
    description: '(value − previous) ÷ previous × 100; 100 when only previous is 0; 0 when both are',
  }),
});

const PeriodFields = {
  from: IsoDate,
  to: IsoDate,
  previous_from: IsoDate,
  previous_to: IsoDate,
};

export const Overview = Type.Object({
  ...PeriodFields,
  visits_planned: Type.Union([Metric], { description: 'Visits whose planned date is in the period' }),
  visits_completed: Metric,
  completion_rate: Type.Union([Metric], { description: 'completed ÷ planned × 100' }),
  geofence_compliance: Type.Union([Metric], {
    description: 'Completed visits inside the geofence ÷ completed visits with a geofence verdict × 100',
  }),
  surveys_completed: Type.Union([Metric], { description: 'Completed visits that carried a survey' }),
  photos: Type.Union([Metric], { description: 'Photos taken (uploaded) in the period' }),
  shelf_share_own: Type.Union([Metric], { description: 'Aggregated shelf share of own brands, %' }),
  goal_attainment: Type.Union([Metric], {
    description: 'Average progress % of the active goals overlapping the period (0 without goals)',
  }),
  call_cycle_adherence: Type.Union([Metric], {
    description: 'Visited ÷ due call-cycle slots dated in the period × 100 (0 without slots)',
  }),
});
export type Overview = Static<typeof Overview>;

const Filters = {
  agent: Type.Optional(Uuid),
  outlet: Type.Optional(Uuid),
  org_unit: Type.Optional(Type.Union([Uuid], { description: "The outlet's org unit or any unit below it" })),
};

export const VisitSeriesQuery = Type.Object({
  from: From,
  to: To,
  interval: IntervalSchema,
  ...Filters,
  survey: Type.Optional(Uuid),
});
export type VisitSeriesQuery = Static<typeof VisitSeriesQuery>;

const StatusCounts = Type.Object({
  planned: Type.Integer(),
  in_progress: Type.Integer(),
  completed: Type.Integer(),
  cancelled: Type.Integer(),
  missed: Type.Integer(),
});
const TypeCounts = Type.Object({
  planned: Type.Integer(),
  unplanned: Type.Integer(),
  follow_up: Type.Integer(),
});

export const VisitBucket = Type.Object({
  period_start: Type.Union([IsoDate], { description: 'First day of the bucket' }),
  total: Type.Integer(),
  by_status: StatusCounts,
  by_type: TypeCounts,
  completion_rate: Percent,
});
export type VisitBucket = Static<typeof VisitBucket>;

export const VisitSeries = Type.Object({
  from: IsoDate,
  to: IsoDate,
  interval: Type.String(),
  series: Type.Array(VisitBucket),
  totals: Type.Object({
    total: Type.Integer(),
    by_status: StatusCounts,
    by_type: TypeCounts,
    completion_rate: Percent,
  }),
});

export const ShelfShareQuery = Type.Object({
  from: From,
  to: To,
  group_by: Type.Optional(
    Type.Union([Type.Literal('outlet'), Type.Literal('org_unit'), Type.Literal('period')], {
      description: 'Also split the shares by outlet, by org unit of the outlet, or by period',
    }),
  ),
  interval: IntervalSchema,
  ...Filters,
  brand: Type.Optional(Uuid),
  limit: Type.Integer({ minimum: 1, maximum: 1000, default: 100, description: 'Most groups returned' }),
});
export type ShelfShareQuery = Static<typeof ShelfShareQuery>;

export const BrandShare = Type.Object({
  brand_id: Uuid,
  brand_name: Type.String(),
  is_own: Type.Boolean(),
  share_percent: Type.Number({
    description:
      'Σ the brand’s per-photo shares ÷ Σ every brand’s per-photo shares × 100: normalised, the brands sum to 100',
  }),
  photos: Type.Integer({ description: 'Photos on which the brand is marked' }),
});
export type BrandShare = Static<typeof BrandShare>;

export const ShelfShareGroup = Type.Object({
  key: Type.String({ description: 'Outlet id, org unit id (or "none"), or first day of the period' }),
  name: Nullable(Type.String()),
  photos: Type.Integer(),
  own_percent: Percent,
  competitor_percent: Percent,
  brands: Type.Array(BrandShare),
});
export type ShelfShareGroup = Static<typeof ShelfShareGroup>;

export const ShelfShare = Type.Object({
  from: IsoDate,
  to: IsoDate,
  photos: Type.Integer({ description: 'Photos with at least one shelf mark' }),
  own_percent: Percent,
  competitor_percent: Percent,
  brands: Type.Array(BrandShare),
  group_by: Nullable(Type.String()),
  groups: Type.Array(ShelfShareGroup),
});

export const CoverageQuery = Type.Object({
  from: From,
  to: To,
  ...Filters,
});
export type CoverageQuery = Static<typeof CoverageQuery>;

export const HeatPoint = Type.Object({
  outlet_id: Uuid,
  lat: Type.Number(),
  lng: Type.Number(),
  weight: Type.Integer({ description: 'Completed visits at the outlet in the period' }),
});

export const CycleCoverage = Type.Object({
  call_cycle_id: Uuid,
  name: Type.String(),
  outlets: Type.Integer({ description: 'Outlets in the cycle' }),
  outlets_visited: Type.Integer({ description: 'Distinct cycle outlets with a completed visit' }),
  coverage_percent: Percent,
  planned_visits: Type.Integer(),
  completed_planned_visits: Type.Integer({ description: 'Each outlet counts at most its planned number' }),
  adherence_percent: Percent,
  missed: Type.Integer({ description: 'Planned slots past their date without a completed visit' }),
});
export type CycleCoverage = Static<typeof CycleCoverage>;

export const Coverage = Type.Object({
  from: IsoDate,
  to: IsoDate,
  outlets_visited: Type.Integer(),
  visits_completed: Type.Integer(),
  cycles: Type.Array(CycleCoverage),
  heatmap: Type.Array(HeatPoint),
});
