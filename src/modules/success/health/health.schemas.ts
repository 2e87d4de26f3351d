import { Type, type Static } from 'typebox';
import { IsoDate, IsoDateTime, ListEnvelope, Uuid } from '../../../platform/http/schemas.js';

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(schema: T) =>
  Type.Union([schema, Type.Null()]);
const Score = Type.Integer({ minimum: 0, maximum: 100 });
const Count = Type.Integer({ minimum: 0 });
export const RiskLevel = Type.Union([
  Type.Literal('low'),
  Type.Literal('medium'),
  Type.Literal('high'),
  Type.Literal('critical'),
]);
const Trend = Type.Union([Type.Literal('improving'), Type.Literal('stable'), Type.Literal('declining')]);
const Weight = Type.Integer({ minimum: 0, maximum: 100 });

export const HealthWeights = Type.Object(
  { adoption: Weight, support: Weight, engagement: Weight, financial: Weight },
  {
    additionalProperties: false,
    description: 'Component weights: integers 0–100 that sum to exactly 100',
  },
);

/** What each component was computed from (score.ts `factorsOf`). */
export const HealthFactors = Type.Object({
  adoption: Type.Object({
    deployment_id: Type.Optional(Uuid),
    active_products: Count,
    products: Type.Array(Type.String()),
    contract_start: Nullable(IsoDate),
    contract_age_days: Nullable(Type.Integer()),
    new_contract_bonus: Type.Boolean(),
    score: Score,
  }),
  support: Type.Object({ support_tickets: Count, escalations: Count, negative: Count, score: Score }),
  engagement: Type.Object({ meetings: Count, calls: Count, emails: Count, trainings: Count, score: Score }),
  financial: Type.Object({
    contract_end: Nullable(IsoDate),
    days_to_end: Nullable(Type.Integer()),
    expired: Type.Boolean(),
    score: Score,
  }),
  window: Type.Object({ from: IsoDate, to: IsoDate, days: Count }),
  trend: Type.Object({ previous_score: Nullable(Score), change: Nullable(Type.Integer()) }),
  weights: HealthWeights,
});

export const HealthScore = Type.Object(
  {
    id: Uuid,
    customer_id: Uuid,
    deployment_id: Nullable(Uuid),
    overall_score: Score,
    adoption_score: Score,
    support_score: Score,
    engagement_score: Score,
    financial_score: Score,
    risk_level: RiskLevel,
    trend: Trend,
    factors: HealthFactors,
    weights: HealthWeights,
    calculated_at: IsoDateTime,
    calculated_by: Nullable(Uuid),
  },
  { $id: 'HealthScore' },
);
export type HealthScore = Static<typeof HealthScore>;

export const CustomerIdParams = Type.Object({ customer_id: Uuid });

export const DeploymentQuery = Type.Object({
  deployment_id: Type.Optional({
    ...Uuid,
    description: "One of the customer's deployments: its score instead of the customer's",
  }),
});
export type DeploymentQuery = Static<typeof DeploymentQuery>;

export const HistoryQuery = Type.Object({
  ...DeploymentQuery.properties,
  from: Type.Optional({ ...IsoDate, description: 'First tenant-local day, included' }),
  to: Type.Optional({ ...IsoDate, description: 'Last tenant-local day, included' }),
  limit: Type.Integer({ minimum: 1, maximum: 500, default: 50 }),
  offset: Type.Integer({ minimum: 0, default: 0 }),
});
export type HistoryQuery = Static<typeof HistoryQuery>;
export const HealthScoreList = ListEnvelope('health_scores', HealthScore);

export const TrendsQuery = Type.Object({
  from: Type.Optional({ ...IsoDate, description: 'First tenant-local day; default 29 days before `to`' }),
  to: Type.Optional({ ...IsoDate, description: 'Last tenant-local day, included; default today' }),
  group_by: Type.Union([Type.Literal('day'), Type.Literal('week'), Type.Literal('month')], {
    default: 'day',
    description: 'One row per day, week (from Monday) or month; `period` is its first day',
  }),
});
export type TrendsQuery = Static<typeof TrendsQuery>;

const RiskCounts = Type.Object({ low: Count, medium: Count, high: Count, critical: Count });

export const HealthTrends = Type.Object({
  from: IsoDate,
  to: IsoDate,
  group_by: Type.String(),
  periods: Type.Array(
    Type.Object({
      period: IsoDate,
      customers: Type.Integer({
        description:
          'Served, scored customers in scope on the period’s last snapshot day (the book as that day’s scoring left it)',
      }),
      average_score: Type.Number({ description: 'Mean of their scores that day, two decimals' }),
      risk: RiskCounts,
    }),
  ),
});

export const AtRiskQuery = Type.Object({
  risk: Type.Optional(Type.Union([Type.Literal('high'), Type.Literal('critical')])),
  limit: Type.Integer({ minimum: 1, maximum: 500, default: 50 }),
  offset: Type.Integer({ minimum: 0, default: 0 }),
});
export type AtRiskQuery = Static<typeof AtRiskQuery>;

export const AtRiskCustomer = Type.Object({
  customer_id: Uuid,
  customer_name: Type.String(),
  customer_status: Type.String(),
  owner_id: Nullable(Uuid),
  overall_score: Score,
  risk_level: RiskLevel,
  trend: Trend,
  adoption_score: Score,
  support_score: Score,
  engagement_score: Score,
  financial_score: Score,
  score_id: Uuid,
  calculated_at: IsoDateTime,
});
export const AtRiskList = ListEnvelope('customers', AtRiskCustomer);

export const HealthDistribution = Type.Object({
  total: Count,
  average_score: Nullable(
    Type.Number({ description: 'Mean latest score, two decimals; null without scores' }),
  ),
  buckets: Type.Array(Type.Object({ range: Type.String(), min: Score, max: Score, count: Count }), {
    description: 'Latest scores in 0–19, 20–39, 40–59, 60–79, 80–100',
  }),
  risk: RiskCounts,
});

export const HealthSettings = Type.Object({ health_weights: HealthWeights });
export const HealthSettingsBody = Type.Object(
  { health_weights: HealthWeights },
  { additionalProperties: false },
);
export type HealthSettingsBody = Static<typeof HealthSettingsBody>;
