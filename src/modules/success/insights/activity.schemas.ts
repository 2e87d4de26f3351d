import { Type, type Static } from 'typebox';
import { IsoDate, IsoDateTime, Money, Uuid } from '../../../platform/http/schemas.js';
import { AsOf, MoneyByCurrency, Nullable, SurveyFigures } from './dashboard.schemas.js';

const Int = (description?: string) => Type.Integer(description ? { description } : {});
const Average = (description: string) => Nullable(Type.Number({ description }));

export const RenewalsQuery = Type.Object(
  {
    days: Type.Integer({
      minimum: 1,
      maximum: 730,
      default: 90,
      description: 'Contracts ending today or within this many days',
    }),
    limit: Type.Integer({ minimum: 1, maximum: 500, default: 50 }),
    offset: Type.Integer({ minimum: 0, maximum: 1_000_000, default: 0 }),
  },
  { additionalProperties: false },
);
export type RenewalsQuery = Static<typeof RenewalsQuery>;

export const AccountManager = Nullable(
  Type.Object({ id: Uuid, name: Type.String() }, { description: 'The customer’s owner; null: none' }),
);

export const Renewal = Type.Object({
  customer_id: Uuid,
  code: Type.String(),
  name: Type.String(),
  status: Type.String(),
  contract_end: IsoDate,
  days_left: Int('contract_end − today (tenant calendar); 0 on the last day'),
  contract_value: Nullable(Money),
  currency: Type.String({ description: 'The contract currency, or the tenant’s' }),
  health_score: Nullable(Type.Integer()),
  health_risk: Nullable(Type.String()),
  account_manager: AccountManager,
});

export const UpcomingRenewals = Type.Object({
  ...AsOf,
  days: Type.Integer(),
  renewals: Type.Array(Renewal, { description: 'Soonest first, then by name' }),
  total: Int('Served customers whose contract ends in the window'),
  limit: Type.Integer(),
  offset: Type.Integer(),
  contract_value: MoneyByCurrency,
});
export type UpcomingRenewals = Static<typeof UpcomingRenewals>;

export const RecentActivityQuery = Type.Object(
  { limit: Type.Integer({ minimum: 1, maximum: 100, default: 20 }) },
  { additionalProperties: false },
);
export type RecentActivityQuery = Static<typeof RecentActivityQuery>;

export const ACTIVITY_KINDS = ['interaction', 'csat_response', 'alert', 'health_change'] as const;

export const ActivityItem = Type.Object({
  kind: Type.Union(ACTIVITY_KINDS.map((k) => Type.Literal(k))),
  id: Uuid,
  occurred_at: IsoDateTime,
  customer_id: Uuid,
  customer_name: Type.String(),
  type: Type.String({
    description: 'Interaction type, survey type, alert type, or the new risk level of a health change',
  }),
  summary: Nullable(Type.String({ description: 'Interaction subject, alert title, CSAT feedback' })),
  score: Nullable(Type.Integer({ description: 'CSAT/NPS score, or the new overall health score' })),
  previous_score: Nullable(Type.Integer({ description: 'Health change: the score before' })),
  previous_risk: Nullable(Type.String({ description: 'Health change: the risk level before' })),
  severity: Nullable(Type.String({ description: 'Alert severity' })),
  status: Nullable(Type.String({ description: 'Alert status' })),
  sentiment: Nullable(Type.String({ description: 'Interaction sentiment' })),
});
export type ActivityItem = Static<typeof ActivityItem>;

export const RecentActivity = Type.Object({ activity: Type.Array(ActivityItem) });
export type RecentActivity = Static<typeof RecentActivity>;

export const ProductPerformance = Type.Object({
  ...AsOf,
  csat_days: Int('The CSAT window: the last 90 tenant days'),
  products: Type.Array(
    Type.Object({
      product_name: Type.String(),
      customers: Int('Customers with an active deployment of the product'),
      active_deployments: Int(),
      deployments: Int('Every deployment, active or not'),
      scored: Int('Served customers among them with a latest score'),
      average_health: Average('Average latest score of those, two decimals'),
      ...SurveyFigures,
      open_alerts: Int('Open alerts on the customers with an active deployment of the product'),
    }),
    { description: 'By product name' },
  ),
});
export type ProductPerformance = Static<typeof ProductPerformance>;

export const AccountManagerPerformance = Type.Object({
  ...AsOf,
  renewal_days: Type.Integer(),
  interaction_days: Type.Integer(),
  account_managers: Type.Array(
    Type.Object({
      user_id: Uuid,
      name: Type.String(),
      email: Type.String(),
      customers: Int('Customers they own, every status'),
      scored: Int(),
      average_health: Average('Average latest score of their served, scored customers'),
      at_risk: Int('Served customers whose latest risk is high or critical'),
      renewals_due: Int('Served customers whose contract ends within 90 days'),
      renewal_value: MoneyByCurrency,
      interactions: Int('Interactions on their customers dated in the last 30 days'),
    }),
    { description: 'By name' },
  ),
});
export type AccountManagerPerformance = Static<typeof AccountManagerPerformance>;
