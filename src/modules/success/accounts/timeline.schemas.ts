import { Type, type Static } from 'typebox';
import { IsoDate, IsoDateTime, Uuid } from '../../../platform/http/schemas.js';
import { Nullable } from './common.js';

export const TIMELINE_KINDS = [
  'interaction',
  'csat_response',
  'alert',
  'health_score',
  'deployment_created',
  'deployment_deactivated',
  'contract_start',
  'contract_end',
] as const;
export type TimelineKind = (typeof TIMELINE_KINDS)[number];

export const TimelineKindSchema = Type.Union(
  [
    Type.Literal('interaction'),
    Type.Literal('csat_response'),
    Type.Literal('alert'),
    Type.Literal('health_score'),
    Type.Literal('deployment_created'),
    Type.Literal('deployment_deactivated'),
    Type.Literal('contract_start'),
    Type.Literal('contract_end'),
  ],
  {
    description:
      'interaction, csat_response, alert (about the customer), health_score (customer level), ' +
      'deployment_created / deployment_deactivated, contract_start / contract_end (the customer’s dates, ' +
      'once they have come)',
  },
);

export const TimelineEvent = Type.Object({
  kind: TimelineKindSchema,
  occurred_at: Type.String({
    format: 'date-time',
    description: 'When it happened; contract dates are the day’s start in the tenant’s time zone',
  }),
  title: Type.String(),
  summary: Nullable(Type.String()),
  ref_id: Type.String({
    format: 'uuid',
    description: 'The record: interaction, response, alert, score, deployment, or the customer (contract)',
  }),
  data: Type.Record(Type.String(), Type.Unknown(), { description: 'The record’s facts, by kind' }),
});
export type TimelineEvent = Static<typeof TimelineEvent>;

export const TimelineQuery = Type.Object({
  limit: Type.Integer({ minimum: 1, maximum: 200, default: 50, description: 'Page size (1–200)' }),
  cursor: Type.Optional(
    Type.String({
      minLength: 1,
      maxLength: 512,
      description: 'From `next_cursor`; one the timeline did not issue is 422 `INVALID_CURSOR`',
    }),
  ),
  kind: Type.Optional(TimelineKindSchema),
});
export type TimelineQuery = Static<typeof TimelineQuery>;

export const Timeline = Type.Object({
  customer_id: Uuid,
  events: Type.Array(TimelineEvent),
  limit: Type.Integer({ minimum: 1 }),
  next_cursor: Nullable(Type.String({ description: 'The next (older) page; null on the last' })),
});
export type Timeline = Static<typeof Timeline>;

export const HealthHistoryQuery = Type.Object({
  date_from: Type.Optional(
    Type.String({ format: 'date', description: 'Scores calculated on or after this day (tenant time zone)' }),
  ),
  date_to: Type.Optional(
    Type.String({
      format: 'date',
      description: 'Scores calculated on or before this day (tenant time zone)',
    }),
  ),
  limit: Type.Integer({
    minimum: 1,
    maximum: 1000,
    default: 366,
    description: 'At most this many scores: the newest in the period',
  }),
});
export type HealthHistoryQuery = Static<typeof HealthHistoryQuery>;

const Score = Type.Integer({ minimum: 0, maximum: 100 });
const Risk = Type.Union([
  Type.Literal('low'),
  Type.Literal('medium'),
  Type.Literal('high'),
  Type.Literal('critical'),
]);

export const HealthPoint = Type.Object({
  id: Uuid,
  calculated_at: IsoDateTime,
  overall_score: Score,
  adoption_score: Score,
  support_score: Score,
  engagement_score: Score,
  financial_score: Score,
  risk_level: Risk,
  trend: Type.Union([Type.Literal('improving'), Type.Literal('stable'), Type.Literal('declining')]),
  factors: Type.Unknown({ description: 'How each component came about' }),
});

export const HealthHistory = Type.Object({
  customer_id: Uuid,
  date_from: Nullable(IsoDate),
  date_to: Nullable(IsoDate),
  current: Type.Object({
    health_score: Nullable(Score),
    health_risk: Nullable(Risk),
    health_scored_at: Nullable(Type.String({ format: 'date-time' })),
  }),
  history: Type.Array(HealthPoint, { description: 'Customer-level scores, oldest first' }),
});
export type HealthHistory = Static<typeof HealthHistory>;
