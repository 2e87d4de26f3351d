import { Type, type Static } from 'typebox';
import { IsoDate, IsoDateTime, PaginationQuery, sortQuery, Uuid } from '../../../platform/http/schemas.js';
import { Nullable, Text } from './common.js';

export const InteractionType = Type.Union([
  Type.Literal('support_ticket'),
  Type.Literal('meeting'),
  Type.Literal('email'),
  Type.Literal('call'),
  Type.Literal('escalation'),
  Type.Literal('training'),
]);
export const Sentiment = Type.Union([
  Type.Literal('positive'),
  Type.Literal('neutral'),
  Type.Literal('negative'),
]);

export const Interaction = Type.Object({
  id: Uuid,
  customer_id: Uuid,
  customer_name: Type.String(),
  deployment_id: Nullable(Uuid),
  interaction_type: InteractionType,
  subject: Type.String(),
  description: Nullable(Type.String()),
  sentiment: Sentiment,
  performed_by: Nullable(Uuid),
  interaction_date: IsoDateTime,
  follow_up_required: Type.Boolean(),
  follow_up_date: Nullable(IsoDate),
  follow_up_completed_at: Nullable(
    Type.String({ format: 'date-time', description: 'Set when the follow-up was marked done' }),
  ),
  created_by: Nullable(Uuid),
  created_at: IsoDateTime,
  updated_at: IsoDateTime,
});
export type Interaction = Static<typeof Interaction>;

const editable = {
  deployment_id: Type.Optional(
    Nullable(Type.String({ format: 'uuid', description: 'A deployment of the same customer' })),
  ),
  interaction_type: InteractionType,
  subject: Type.String({ minLength: 1, maxLength: 300, pattern: '\\S' }),
  description: Type.Optional(Nullable(Text(5000))),
  sentiment: Type.Optional(Sentiment),
  performed_by: Type.Optional(
    Type.String({ format: 'uuid', description: 'A user of the tenant (default: the caller)' }),
  ),
  interaction_date: Type.Optional(
    Type.String({
      format: 'date-time',
      description: 'When it happened (default: now); at most a day ahead',
    }),
  ),
  follow_up_required: Type.Optional(Type.Boolean()),
  follow_up_date: Type.Optional(
    Nullable(
      Type.String({
        format: 'date',
        description:
          'Not before the interaction’s day (tenant calendar). Given alone it sets follow_up_required; ' +
          'with follow_up_required false it is 422',
      }),
    ),
  ),
};

export const CreateInteractionBody = Type.Object({
  customer_id: Type.String({
    format: 'uuid',
    description: 'A customer of the tenant within the caller’s data scope (otherwise 422)',
  }),
  ...editable,
});
export type CreateInteractionBody = Static<typeof CreateInteractionBody>;

export const UpdateInteractionBody = Type.Partial(
  Type.Object({
    ...editable,
    follow_up_completed: Type.Boolean({
      description:
        'true marks the pending follow-up done (follow_up_completed_at = now), false reopens it; ' +
        'only for an interaction that requires a follow-up',
    }),
  }),
  { minProperties: 1 },
);
export type UpdateInteractionBody = Static<typeof UpdateInteractionBody>;

export const INTERACTION_SORTS = ['interaction_date', 'created_at', 'follow_up_date'] as const;

const filters = {
  q: Type.Optional(Type.String({ minLength: 1, maxLength: 100, description: 'Subject or description' })),
  deployment_id: Type.Optional(Uuid),
  interaction_type: Type.Optional(InteractionType),
  sentiment: Type.Optional(Sentiment),
  performed_by: Type.Optional(Uuid),
  date_from: Type.Optional(
    Type.String({ format: 'date', description: 'Interactions on or after this day (tenant time zone)' }),
  ),
  date_to: Type.Optional(
    Type.String({ format: 'date', description: 'Interactions on or before this day (tenant time zone)' }),
  ),
  follow_up_required: Type.Optional(Type.Boolean()),
};

/** `GET /interactions/customer/{id}`: the list's filters but the customer, which the path names. */
export const CustomerInteractionsQuery = Type.Object({
  ...PaginationQuery.properties,
  ...filters,
  sort: sortQuery(INTERACTION_SORTS, '-interaction_date'),
});
export type CustomerInteractionsQuery = Static<typeof CustomerInteractionsQuery>;

export const InteractionListQuery = Type.Object({
  ...CustomerInteractionsQuery.properties,
  customer_id: Type.Optional(Uuid),
});
export type InteractionListQuery = Static<typeof InteractionListQuery>;

export const CustomerIdParams = Type.Object({ id: Uuid });

const counts = <T extends readonly string[]>(keys: T) =>
  Type.Object(Object.fromEntries(keys.map((k) => [k, Type.Integer({ minimum: 0 })])));

export const SummaryQuery = Type.Object({
  date_from: Type.Optional(
    Type.String({ format: 'date', description: 'First day (tenant time zone); default today − 29 days' }),
  ),
  date_to: Type.Optional(Type.String({ format: 'date', description: 'Last day, included; default today' })),
  customer_id: Type.Optional(Uuid),
});
export type SummaryQuery = Static<typeof SummaryQuery>;

export const TYPE_KEYS = ['support_ticket', 'meeting', 'email', 'call', 'escalation', 'training'] as const;
export const SENTIMENT_KEYS = ['positive', 'neutral', 'negative'] as const;

export const InteractionSummary = Type.Object({
  date_from: IsoDate,
  date_to: IsoDate,
  total: Type.Integer({ minimum: 0 }),
  by_type: counts(TYPE_KEYS),
  by_sentiment: counts(SENTIMENT_KEYS),
  follow_ups_pending: Type.Integer({
    minimum: 0,
    description: 'Of these interactions, those whose follow-up is required and not done',
  }),
});
export type InteractionSummary = Static<typeof InteractionSummary>;

export const FollowUpStatus = Type.Union(
  [Type.Literal('overdue'), Type.Literal('due'), Type.Literal('upcoming'), Type.Literal('unscheduled')],
  {
    description:
      'Against today in the tenant’s time zone: overdue before it, due on it, upcoming after it, ' +
      'unscheduled without a follow-up date',
  },
);

export const PendingFollowUpQuery = Type.Object({
  ...PaginationQuery.properties,
  customer_id: Type.Optional(Uuid),
  performed_by: Type.Optional(Uuid),
  status: Type.Optional(FollowUpStatus),
});
export type PendingFollowUpQuery = Static<typeof PendingFollowUpQuery>;

export const PendingFollowUp = Type.Object({
  ...Interaction.properties,
  follow_up_status: FollowUpStatus,
  days_overdue: Nullable(
    Type.Integer({ description: 'Days past the follow-up date (0 when due today, < 0 ahead)' }),
  ),
});
export type PendingFollowUp = Static<typeof PendingFollowUp>;
