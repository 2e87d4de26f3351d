import { Type, type Static } from 'typebox';
import { IsoDate, IsoDateTime, PaginationQuery, sortQuery, Uuid } from '../../../platform/http/schemas.js';
import { Nullable, Text } from '../schemas.js';

export const LeadStatus = Type.Union([
  Type.Literal('new'),
  Type.Literal('contacted'),
  Type.Literal('qualified'),
  Type.Literal('converted'),
  Type.Literal('rejected'),
  Type.Literal('expired'),
]);

export const InteractionType = Type.Union([
  Type.Literal('call'),
  Type.Literal('visit'),
  Type.Literal('message'),
  Type.Literal('reminder'),
  Type.Literal('verification'),
]);

const Latitude = Type.Number({ minimum: -90, maximum: 90 });
const Longitude = Type.Number({ minimum: -180, maximum: 180 });
const AccuracyM = Type.Number({ minimum: 0, maximum: 100_000, description: 'GPS accuracy, metres' });

export const Lead = Type.Object({
  id: Uuid,
  client_uuid: Uuid,
  customer_name: Type.String(),
  phone: Type.String({ description: 'E.164' }),
  document_number: Nullable(Type.String()),
  product_id: Nullable(Uuid),
  campaign_id: Nullable(Uuid),
  source_id: Nullable(Uuid),
  agent_id: Uuid,
  outlet_id: Nullable(Uuid),
  status: LeadStatus,
  status_changed_at: IsoDateTime,
  captured_at: Type.String({ format: 'date-time', description: 'The device’s time of capture' }),
  received_at: Type.String({ format: 'date-time', description: 'When the server first stored the lead' }),
  latitude: Nullable(Type.Number()),
  longitude: Nullable(Type.Number()),
  accuracy_m: Nullable(Type.Number()),
  notes: Nullable(Type.String()),
  is_duplicate: Type.Boolean(),
  duplicate_of: Nullable(Type.Union([Uuid], { description: 'The master lead of a duplicate' })),
  merged_at: Nullable(IsoDateTime),
  merged_by: Nullable(Uuid),
  next_action_date: Nullable(IsoDate),
  created_by: Nullable(Uuid),
  created_at: IsoDateTime,
  updated_at: IsoDateTime,
});
export type Lead = Static<typeof Lead>;

export const CreateLeadBody = Type.Object(
  {
    client_uuid: Type.Optional(
      Type.Union([Uuid], {
        description: 'The device’s id for the lead: a repeat answers 200 with the stored lead',
      }),
    ),
    customer_name: Type.String({ minLength: 1, maxLength: 200, pattern: '\\S' }),
    phone: Type.String({
      minLength: 1,
      maxLength: 40,
      description: 'Normalised to E.164 with the tenant’s default region (`default_phone_region`)',
    }),
    document_number: Type.Optional(Nullable(Type.String({ minLength: 1, maxLength: 64 }))),
    product_id: Type.Optional(Nullable(Uuid)),
    campaign_id: Type.Optional(Nullable(Uuid)),
    source_id: Type.Optional(Nullable(Uuid)),
    agent_id: Type.Optional(Type.Union([Uuid], { description: 'Defaults to the caller' })),
    outlet_id: Type.Optional(Nullable(Uuid)),
    captured_at: Type.Optional(
      Type.String({
        format: 'date-time',
        description: 'Device time of capture; defaults to the time received',
      }),
    ),
    latitude: Type.Optional(Latitude),
    longitude: Type.Optional(Longitude),
    accuracy_m: Type.Optional(AccuracyM),
    notes: Type.Optional(Nullable(Text())),
  },
  { additionalProperties: false },
);
export type CreateLeadBody = Static<typeof CreateLeadBody>;

export const UpdateLeadBody = Type.Partial(
  Type.Object({
    customer_name: CreateLeadBody.properties.customer_name,
    phone: CreateLeadBody.properties.phone,
    document_number: Nullable(Type.String({ minLength: 1, maxLength: 64 })),
    product_id: Nullable(Uuid),
    source_id: Nullable(Uuid),
    outlet_id: Nullable(Uuid),
    notes: Nullable(Text()),
  }),
  { minProperties: 1 },
);
export type UpdateLeadBody = Static<typeof UpdateLeadBody>;

export const BATCH_LIMIT = 500;

export const LeadBatchBody = Type.Object({
  leads: Type.Array(
    Type.Object({}, { additionalProperties: true, description: 'A lead as `POST /leads` takes it' }),
    { minItems: 1, maxItems: BATCH_LIMIT },
  ),
});
export type LeadBatchBody = Static<typeof LeadBatchBody>;

const ItemError = Type.Object({
  status: Type.Integer(),
  code: Type.String(),
  detail: Type.String(),
  errors: Type.Array(Type.Object({ path: Type.String(), message: Type.String() })),
});

export const LeadBatchResult = Type.Object({
  created: Type.Integer(),
  existing: Type.Integer(),
  failed: Type.Integer(),
  results: Type.Array(
    Type.Object({
      index: Type.Integer(),
      result: Type.Union([Type.Literal('created'), Type.Literal('existing'), Type.Literal('failed')]),
      lead: Nullable(Lead),
      error: Nullable(ItemError),
    }),
  ),
});
export type LeadBatchResult = Static<typeof LeadBatchResult>;

export const LEAD_SORT = ['captured_at', 'received_at', 'created_at', 'customer_name', 'status'] as const;

export const LeadListQuery = Type.Object({
  ...PaginationQuery.properties,
  q: Type.Optional(Type.String({ minLength: 1, maxLength: 100, description: 'Customer name or phone' })),
  status: Type.Optional(LeadStatus),
  campaign: Type.Optional(Uuid),
  source: Type.Optional(Uuid),
  outlet: Type.Optional(Uuid),
  agent: Type.Optional(Uuid),
  product: Type.Optional(Uuid),
  duplicate: Type.Optional(Type.Boolean({ description: 'true: only duplicates; false: none' })),
  date_from: Type.Optional(Type.Union([IsoDate], { description: 'Captured on or after (UTC day)' })),
  date_to: Type.Optional(Type.Union([IsoDate], { description: 'Captured on or before (UTC day)' })),
  sort: sortQuery(LEAD_SORT, '-captured_at'),
});
export type LeadListQuery = Static<typeof LeadListQuery>;

export const StatusChangeBody = Type.Object({
  status: LeadStatus,
  reason: Type.Optional(Text(500)),
});
export type StatusChangeBody = Static<typeof StatusChangeBody>;

export const StatusHistoryEntry = Type.Object({
  id: Uuid,
  lead_id: Uuid,
  from_status: Nullable(LeadStatus),
  to_status: LeadStatus,
  reason: Nullable(Type.String()),
  changed_by: Nullable(Uuid),
  changed_at: IsoDateTime,
});
export const StatusHistory = Type.Object({ history: Type.Array(StatusHistoryEntry) });

export const MergeBody = Type.Object({
  master_id: Type.Optional(
    Type.Union([Uuid], { description: 'Defaults to the flagged master (`duplicate_of`)' }),
  ),
  reason: Type.Optional(Text(500)),
});
export type MergeBody = Static<typeof MergeBody>;

export const Interaction = Type.Object({
  id: Uuid,
  client_uuid: Nullable(Uuid),
  lead_id: Uuid,
  agent_id: Uuid,
  type: InteractionType,
  outcome: Nullable(Type.String()),
  notes: Nullable(Type.String()),
  occurred_at: IsoDateTime,
  next_action_date: Nullable(IsoDate),
  next_action: Nullable(Type.String()),
  created_at: IsoDateTime,
});
export type Interaction = Static<typeof Interaction>;

export const CreateInteractionBody = Type.Object({
  client_uuid: Type.Optional(
    Type.Union([Uuid], { description: 'The device’s id: a repeat answers 200 with the stored interaction' }),
  ),
  type: InteractionType,
  outcome: Type.Optional(Nullable(Type.String({ maxLength: 200 }))),
  notes: Type.Optional(Nullable(Text())),
  occurred_at: Type.Optional(Type.String({ format: 'date-time', description: 'Defaults to now' })),
  next_action_date: Type.Optional(
    Nullable(Type.Union([IsoDate], { description: 'The follow-up date; null: nothing pending' })),
  ),
  next_action: Type.Optional(Nullable(Type.String({ maxLength: 500 }))),
});
export type CreateInteractionBody = Static<typeof CreateInteractionBody>;

export const InteractionList = Type.Object({ interactions: Type.Array(Interaction) });

export const FollowUpQuery = Type.Object({
  ...PaginationQuery.properties,
  on: Type.Optional(
    Type.Union([IsoDate], { description: 'Due on or before this day (default: today, tenant time)' }),
  ),
  agent: Type.Optional(Uuid),
  sort: sortQuery(['next_action_date', 'captured_at'], 'next_action_date'),
});
export type FollowUpQuery = Static<typeof FollowUpQuery>;

export const FollowUp = Type.Object({
  ...Lead.properties,
  overdue: Type.Boolean({ description: 'The next action date is before `on`' }),
});
