import { Type, type Static, type TSchema } from 'typebox';
import { IsoDate, Money } from '../../../platform/http/schemas.js';

/** `null` first, so Ajv's coercion never turns an explicit null into "" or 0. */
export const Nullable = <T extends TSchema>(schema: T) => Type.Union([Type.Null(), schema]);

const Int = (description?: string) => Type.Integer(description ? { description } : {});
const Average = (description: string) => Nullable(Type.Number({ description }));

export const AsOf = {
  as_of: { ...IsoDate, description: "Today in the tenant's time zone: the day the figures are for" },
  time_zone: Type.String({ description: "The tenant's time zone days, weeks and months are read in" }),
};

/** Contract values never add across currencies: one amount per currency. */
export const MoneyByCurrency = Type.Array(Type.Object({ currency: Type.String(), amount: Money }), {
  description: 'Σ contract value per currency (a contract without a currency is in the tenant currency)',
});

const RiskCounts = Type.Object({ low: Int(), medium: Int(), high: Int(), critical: Int() });

export const SurveyFigures = {
  csat_responses: Int('Responses of CSAT surveys (every type but nps; scores 1–5)'),
  average_csat: Average('Σ CSAT score ÷ CSAT responses, two decimals; null without any'),
  nps_responses: Int('Responses of nps surveys (scores 0–10)'),
  promoters: Int('NPS responses scoring 9–10'),
  passives: Int('NPS responses scoring 7–8'),
  detractors: Int('NPS responses scoring 0–6'),
  nps: Nullable(
    Type.Integer({
      description: 'round((promoters − detractors) ÷ nps_responses × 100); null without any',
    }),
  ),
};

export const DashboardStats = Type.Object({
  ...AsOf,
  customers: Type.Object({
    total: Int('Success customers in the data scope, every status'),
    by_status: Type.Object({ onboarding: Int(), active: Int(), at_risk: Int(), churned: Int() }),
  }),
  health: Type.Object({
    scored: Int('Served (not churned) customers with a latest health score'),
    average: Average('Average latest score of the scored served customers, two decimals'),
    at_risk: Int('Served customers whose latest risk is high or critical'),
  }),
  alerts: Type.Object({
    open: Int('Open alerts (not resolved, not snoozed) on customers in the scope'),
    by_severity: RiskCounts,
  }),
  csat: Type.Object({
    days: Int('The window: the last 90 tenant days, today included'),
    from: IsoDate,
    ...SurveyFigures,
  }),
  renewals: Type.Object({
    days: Int('The window: contracts of served customers ending today or within the next 90 days'),
    customers: Int(),
    contract_value: MoneyByCurrency,
  }),
  interactions: Type.Object({
    days: Int('The window: the last 30 tenant days, today included'),
    count: Int('Interactions dated in the window (up to now)'),
  }),
  deployments: Type.Object({ active: Int('Active deployments of customers in the scope') }),
});
export type DashboardStats = Static<typeof DashboardStats>;

export const HealthDistribution = Type.Object({
  ...AsOf,
  scored: Int('Served customers with a latest score'),
  unscored: Int('Served customers never scored'),
  average: Average('Average latest score, two decimals'),
  buckets: Type.Array(Type.Object({ from: Int(), to: Int(), customers: Int() }), {
    description: 'Latest scores in 0–19, 20–39, 40–59, 60–79, 80–100 (both ends included)',
  }),
  by_risk: RiskCounts,
});
export type HealthDistribution = Static<typeof HealthDistribution>;

export const Interval = Type.Union([Type.Literal('week'), Type.Literal('month')], {
  default: 'month',
  description: 'Weeks start on Monday; both in the tenant time zone',
});
export type Interval = Static<typeof Interval>;

export const HealthTrendsQuery = Type.Object(
  {
    interval: Interval,
    periods: Type.Integer({
      minimum: 1,
      maximum: 52,
      default: 12,
      description: 'How many periods, ending with the current one; at most 24 months or 52 weeks',
    }),
  },
  { additionalProperties: false },
);
export type HealthTrendsQuery = Static<typeof HealthTrendsQuery>;

const PeriodBounds = {
  period: { ...IsoDate, description: 'First day of the period (a Monday, or the 1st of a month)' },
  to: { ...IsoDate, description: 'Last day of the period' },
};

export const HealthTrends = Type.Object({
  ...AsOf,
  interval: Type.String(),
  periods: Type.Array(
    Type.Object({
      ...PeriodBounds,
      customers: Int('Served, scored customers in scope on the period’s last health snapshot day'),
      average: Average('Average of their scores that day'),
      ...RiskCounts.properties,
    }),
  ),
});
export type HealthTrends = Static<typeof HealthTrends>;

export const CsatTrendsQuery = Type.Object(
  {
    months: Type.Integer({
      minimum: 1,
      maximum: 36,
      default: 12,
      description: 'How many months, ending with the current one',
    }),
  },
  { additionalProperties: false },
);
export type CsatTrendsQuery = Static<typeof CsatTrendsQuery>;

export const CsatTrends = Type.Object({
  ...AsOf,
  months: Type.Array(
    Type.Object({
      ...PeriodBounds,
      responses: Int('Every response submitted in the month'),
      ...SurveyFigures,
    }),
  ),
});
export type CsatTrends = Static<typeof CsatTrends>;

export const DEFAULT_VALUE_BANDS = [10_000, 50_000, 100_000];

export const SegmentsQuery = Type.Object(
  {
    value_bands: Type.Optional(
      Type.String({
        pattern: '^\\d{1,12}(,\\d{1,12}){0,9}$',
        description:
          'Ascending contract value limits, comma separated (default 10000,50000,100000): bands from each limit (included) to the next (excluded)',
      }),
    ),
  },
  { additionalProperties: false },
);
export type SegmentsQuery = Static<typeof SegmentsQuery>;

const Segment = Type.Object({
  key: Nullable(Type.String({ description: 'null: none recorded (no industry, never scored, no value)' })),
  customers: Int('Customers in the segment, every status'),
  scored: Int('Served customers of the segment with a latest score'),
  average_health: Average('Average latest score of those, two decimals'),
  contract_value: MoneyByCurrency,
});

export const CustomerSegments = Type.Object({
  ...AsOf,
  value_bands: Type.Array(Type.Integer()),
  by_industry: Type.Array(Segment),
  by_status: Type.Array(Segment),
  by_value_band: Type.Array(Segment, {
    description:
      'Keys `0-10000`, `10000-50000`, …, `100000+` (lower limit included); null: no contract value',
  }),
  by_risk: Type.Array(Segment, { description: 'Latest risk level; null: never scored' }),
});
export type CustomerSegments = Static<typeof CustomerSegments>;
export type SegmentRow = Static<typeof Segment>;
