import { Type, type Static } from 'typebox';
import {
  IsoDate,
  IsoDateTime,
  NonNegativeMoney,
  PaginationQuery,
  sortQuery,
  Uuid,
} from '../../../platform/http/schemas.js';
import { BoolQuery, Currency, Name, Nullable, Text } from '../schemas.js';
import { CONDITION_FIELDS, CONDITION_OPS } from './conditions.js';

const Percent = Type.String({
  pattern: '^\\d{1,3}(\\.\\d{1,4})?$',
  description: 'Percent with up to 4 decimals, e.g. "2.5"',
});
const RuleType = Type.Union(
  [
    Type.Literal('per_conversion'),
    Type.Literal('per_lead'),
    Type.Literal('per_target'),
    Type.Literal('tier'),
  ],
  {
    description:
      'per_conversion / per_lead: per item; per_target: once per agent reaching it; tier: rate by the tier reached',
  },
);
const Basis = Type.Union([Type.Literal('count'), Type.Literal('revenue')]);
const AmountType = Type.Union([Type.Literal('fixed'), Type.Literal('percent')]);

export const RuleSet = Type.Object({
  id: Uuid,
  name: Type.String(),
  description: Nullable(Type.String()),
  valid_from: Nullable(IsoDate),
  valid_to: Nullable(IsoDate),
  active: Type.Boolean(),
  currency: Type.String(),
  locked: Type.Boolean({ description: 'Used by an approved run: can no longer change' }),
  created_at: IsoDateTime,
  updated_at: IsoDateTime,
});
export type RuleSet = Static<typeof RuleSet>;

export const CreateRuleSetBody = Type.Object({
  name: Name,
  description: Type.Optional(Nullable(Text())),
  valid_from: Type.Optional(Nullable(IsoDate)),
  valid_to: Type.Optional(Nullable(IsoDate)),
  active: Type.Optional(Type.Boolean()),
  currency: Type.Optional(Currency),
});
export type CreateRuleSetBody = Static<typeof CreateRuleSetBody>;
export const UpdateRuleSetBody = Type.Partial(CreateRuleSetBody, { minProperties: 1 });
export type UpdateRuleSetBody = Static<typeof UpdateRuleSetBody>;

export const RuleSetListQuery = Type.Object({
  ...PaginationQuery.properties,
  active: Type.Optional(Type.Boolean()),
  sort: sortQuery(['created_at', 'name', 'valid_from'], '-created_at'),
});
export type RuleSetListQuery = Static<typeof RuleSetListQuery>;

export const ConditionBody = Type.Object({
  field: Type.String({ description: `One of ${CONDITION_FIELDS.join(', ')}` }),
  op: Type.String({ description: `One of ${CONDITION_OPS.join(', ')}` }),
  value: Type.Unknown({
    description:
      'sale_amount: decimal string; product/campaign/source/outlet/region: uuid; sold_at: date-time; lead_to_sale_hours: number. between: [low, high]; in/not_in: a list',
  }),
});
export const TierBody = Type.Object({
  threshold: NonNegativeMoney,
  rate: Type.Optional(Percent),
  amount: Type.Optional(NonNegativeMoney),
});

const ruleFields = {
  code: Type.String({
    minLength: 1,
    maxLength: 32,
    pattern: '^[A-Za-z0-9_.-]+$',
    description: 'Unique in the set, e.g. R3',
  }),
  name: Name,
  type: RuleType,
  priority: Type.Integer({ minimum: 0, maximum: 1_000_000, description: 'Unique in the set; lowest first' }),
  amount_type: Type.Optional(AmountType),
  amount: Type.Optional(NonNegativeMoney),
  basis: Type.Optional(Nullable(Basis)),
  target: Type.Optional(Nullable(NonNegativeMoney)),
  tiers: Type.Optional(Type.Array(TierBody, { maxItems: 50 })),
  conditions: Type.Optional(Type.Array(ConditionBody, { maxItems: 50 })),
  cap_per_item: Type.Optional(Nullable(NonNegativeMoney)),
  cap_per_agent: Type.Optional(Nullable(NonNegativeMoney)),
  active: Type.Optional(Type.Boolean()),
};
export const CreateRuleBody = Type.Object(ruleFields);
export type CreateRuleBody = Static<typeof CreateRuleBody>;
export const UpdateRuleBody = Type.Partial(CreateRuleBody, { minProperties: 1 });
export type UpdateRuleBody = Static<typeof UpdateRuleBody>;

export const Rule = Type.Object({
  id: Uuid,
  rule_set_id: Uuid,
  code: Type.String(),
  name: Type.String(),
  type: RuleType,
  priority: Type.Integer(),
  amount_type: AmountType,
  amount: Type.String(),
  basis: Nullable(Basis),
  target: Nullable(Type.String()),
  tiers: Type.Array(
    Type.Object({
      threshold: Type.String(),
      rate: Type.Optional(Type.String()),
      amount: Type.Optional(Type.String()),
    }),
  ),
  conditions: Type.Array(Type.Object({ field: Type.String(), op: Type.String(), value: Type.Unknown() })),
  cap_per_item: Nullable(Type.String()),
  cap_per_agent: Nullable(Type.String()),
  active: Type.Boolean(),
  created_at: IsoDateTime,
  updated_at: IsoDateTime,
});
export type Rule = Static<typeof Rule>;
export const RuleList = Type.Object({ rules: Type.Array(Rule) });
export const RuleParams = Type.Object({ id: Uuid, ruleId: Uuid });

const RunStatus = Type.Union([
  Type.Literal('pending'),
  Type.Literal('running'),
  Type.Literal('completed'),
  Type.Literal('failed'),
  Type.Literal('approved'),
  Type.Literal('paid'),
]);
export const Run = Type.Object({
  id: Uuid,
  rule_set_id: Nullable(Uuid),
  period_start: IsoDate,
  period_end: IsoDate,
  status: RunStatus,
  currency: Type.String(),
  total_amount: Type.String(),
  item_count: Type.Integer(),
  agent_count: Type.Integer(),
  error: Nullable(Type.String()),
  input_digest: Nullable(
    Type.String({ description: 'sha256 of the canonical items: equal runs have equal digests' }),
  ),
  snapshot: Type.Unknown({ description: 'The rule set and rules as the computation used them' }),
  requested_by: Nullable(Uuid),
  started_at: Nullable(IsoDateTime),
  completed_at: Nullable(IsoDateTime),
  approved_at: Nullable(IsoDateTime),
  approved_by: Nullable(Uuid),
  paid_at: Nullable(IsoDateTime),
  paid_by: Nullable(Uuid),
  created_at: IsoDateTime,
});
export type Run = Static<typeof Run>;

export const CreateRunBody = Type.Object({ rule_set_id: Uuid, period_start: IsoDate, period_end: IsoDate });
export type CreateRunBody = Static<typeof CreateRunBody>;
export const RunListQuery = Type.Object({
  ...PaginationQuery.properties,
  status: Type.Optional(RunStatus),
  rule_set: Type.Optional(Uuid),
  sort: sortQuery(['created_at', 'period_start'], '-created_at'),
});
export type RunListQuery = Static<typeof RunListQuery>;

export const RunItem = Type.Object({
  id: Uuid,
  seq: Type.Integer(),
  agent_id: Uuid,
  rule_id: Nullable(Uuid),
  rule_code: Type.String(),
  conversion_id: Nullable(Uuid),
  lead_id: Nullable(Uuid),
  outlet_id: Nullable(Uuid),
  campaign_id: Nullable(Uuid),
  occurred_at: IsoDateTime,
  base_amount: Type.String(),
  amount: Type.String(),
  capped: Type.Boolean(),
  explanation: Type.String(),
});
export type RunItem = Static<typeof RunItem>;
export const ItemListQuery = Type.Object({
  ...PaginationQuery.properties,
  agent: Type.Optional(Uuid),
  rule: Type.Optional(Type.String({ maxLength: 32, description: 'Rule code' })),
  capped: Type.Optional(BoolQuery),
  sort: sortQuery(['seq'], 'seq'),
});
export type ItemListQuery = Static<typeof ItemListQuery>;

export const PreviewBody = Type.Object({
  period_start: IsoDate,
  period_end: IsoDate,
  rule_set_id: Type.Optional(Uuid),
  rules: Type.Optional(Type.Array(CreateRuleBody, { minItems: 1, maxItems: 100 })),
  currency: Type.Optional(Currency),
});
export type PreviewBody = Static<typeof PreviewBody>;
const AgentTotal = Type.Object({ agent_id: Uuid, item_count: Type.Integer(), total_amount: Type.String() });
export const Preview = Type.Object({
  currency: Type.String(),
  total_amount: Type.String(),
  item_count: Type.Integer(),
  agent_count: Type.Integer(),
  input_digest: Type.String(),
  agents: Type.Array(AgentTotal),
  items: Type.Array(Type.Omit(RunItem, ['id']), { description: 'The first 500 items' }),
});
export type Preview = Static<typeof Preview>;

export const ExportQuery = Type.Object({
  format: Type.Union([Type.Literal('csv'), Type.Literal('xlsx'), Type.Literal('pdf')], { default: 'csv' }),
});
export type ExportQuery = Static<typeof ExportQuery>;
