import { Type, type Static } from 'typebox';
import {
  IsoDate,
  IsoDateTime,
  NonNegativeMoney,
  PaginationQuery,
  sortQuery,
  Uuid,
} from '../../../platform/http/schemas.js';
import { Nullable } from '../field.schemas.js';

export const GoalMetricSchema = Type.Union([
  Type.Literal('visits_completed'),
  Type.Literal('surveys_completed'),
  Type.Literal('photos'),
  Type.Literal('shelf_share'),
  Type.Literal('leads_captured'),
  Type.Literal('conversions'),
  Type.Literal('revenue'),
  Type.Literal('manual'),
]);
export const AssigneeTypeSchema = Type.Union([Type.Literal('user'), Type.Literal('team')]);

/** A target: not negative, at most two places, sent and returned as a string ("25.50"). */
export const Decimal = NonNegativeMoney;

export const GoalAssignment = Type.Object(
  {
    id: Uuid,
    assignee_type: AssigneeTypeSchema,
    user_id: Nullable(Uuid),
    team_id: Nullable(Uuid),
    target: Nullable(Decimal),
    effective_target: Type.Union([Decimal], { description: "The assignment's target, else the goal's" }),
    reported_value: Nullable(Decimal),
    reported_at: Nullable(IsoDateTime),
    created_at: IsoDateTime,
  },
  { $id: 'GoalAssignment' },
);
export type GoalAssignment = Static<typeof GoalAssignment>;

export const Goal = Type.Object(
  {
    id: Uuid,
    name: Type.String(),
    description: Nullable(Type.String()),
    metric: GoalMetricSchema,
    target: Decimal,
    period_start: IsoDate,
    period_end: IsoDate,
    brand_id: Nullable(Uuid),
    survey_id: Nullable(Uuid),
    is_active: Type.Boolean(),
    archived_at: Nullable(IsoDateTime),
    created_by: Nullable(Uuid),
    assignment_count: Type.Integer({ minimum: 0, description: 'Assignments visible to the caller' }),
    assignments: Type.Optional(Type.Array(GoalAssignment)),
    created_at: IsoDateTime,
    updated_at: IsoDateTime,
  },
  { $id: 'Goal' },
);
export type Goal = Static<typeof Goal>;

export const AssigneeInput = Type.Object(
  {
    type: AssigneeTypeSchema,
    id: Type.Union([Uuid], { description: 'The user or team id' }),
    target: Type.Optional(Nullable(Decimal)),
  },
  { additionalProperties: false },
);
export type AssigneeInput = Static<typeof AssigneeInput>;
const assignees = Type.Array(AssigneeInput, { minItems: 1, maxItems: 500 });

const goalFields = {
  name: Type.String({ minLength: 1, maxLength: 200 }),
  description: Nullable(Type.String({ maxLength: 5000 })),
  metric: GoalMetricSchema,
  target: Decimal,
  period_start: IsoDate,
  period_end: IsoDate,
  brand_id: Nullable(Type.Union([Uuid], { description: 'Required for shelf_share; filters visits, photos' })),
  survey_id: Nullable(Type.Union([Uuid], { description: 'Counts only visits and photos of this survey' })),
  is_active: Type.Boolean(),
};

export const CreateGoalBody = Type.Object(
  {
    name: goalFields.name,
    description: Type.Optional(goalFields.description),
    metric: goalFields.metric,
    target: goalFields.target,
    period_start: goalFields.period_start,
    period_end: goalFields.period_end,
    brand_id: Type.Optional(goalFields.brand_id),
    survey_id: Type.Optional(goalFields.survey_id),
    is_active: Type.Optional(goalFields.is_active),
    assignees: Type.Optional(assignees),
  },
  { additionalProperties: false },
);
export type CreateGoalBody = Static<typeof CreateGoalBody>;

export const UpdateGoalBody = Type.Object(
  {
    name: Type.Optional(goalFields.name),
    description: Type.Optional(goalFields.description),
    metric: Type.Optional(goalFields.metric),
    target: Type.Optional(goalFields.target),
    period_start: Type.Optional(goalFields.period_start),
    period_end: Type.Optional(goalFields.period_end),
    brand_id: Type.Optional(goalFields.brand_id),
    survey_id: Type.Optional(goalFields.survey_id),
    is_active: Type.Optional(goalFields.is_active),
  },
  { additionalProperties: false, minProperties: 1 },
);
export type UpdateGoalBody = Static<typeof UpdateGoalBody>;

export const AssignBody = Type.Object({ assignees }, { additionalProperties: false });
export type AssignBody = Static<typeof AssignBody>;

export const UnassignBody = Type.Object(
  {
    assignees: Type.Array(
      Type.Object({ type: AssigneeTypeSchema, id: Uuid }, { additionalProperties: false }),
      { minItems: 1, maxItems: 500 },
    ),
  },
  { additionalProperties: false },
);
export type UnassignBody = Static<typeof UnassignBody>;

export const ReportProgressBody = Type.Object(
  {
    value: Type.Union([Decimal], { description: 'The progress reached so far (replaces the last report)' }),
    assignee_type: Type.Optional(AssigneeTypeSchema),
    assignee_id: Type.Optional(Type.Union([Uuid], { description: 'Defaults to the caller (type user)' })),
  },
  { additionalProperties: false },
);
export type ReportProgressBody = Static<typeof ReportProgressBody>;

export const GOAL_SORT = ['period_start', 'period_end', 'name', 'created_at'] as const;

export const GoalListQuery = Type.Object({
  ...PaginationQuery.properties,
  metric: Type.Optional(GoalMetricSchema),
  active: Type.Optional(Type.Boolean()),
  archived: Type.Boolean({ default: false, description: 'true lists archived goals instead' }),
  assignee: Type.Optional(
    Type.Union([Uuid], { description: 'Goals assigned to this user, directly or through a team' }),
  ),
  current_on: Type.Optional(Type.Union([IsoDate], { description: 'Goals whose period includes this date' })),
  sort: sortQuery(GOAL_SORT, '-period_start'),
});
export type GoalListQuery = Static<typeof GoalListQuery>;

const Percent = Type.Number({ minimum: 0, maximum: 100 });

export const GoalProgress = Type.Object({
  goal_id: Uuid,
  metric: GoalMetricSchema,
  period_start: IsoDate,
  period_end: IsoDate,
  target: Decimal,
  data_available: Type.Boolean({ description: 'false while the module the metric reads does not exist' }),
  note: Nullable(Type.String()),
  overall: Type.Object({
    actual: Type.Number(),
    target: Decimal,
    progress_percent: Percent,
  }),
  assignees: Type.Array(
    Type.Object({
      assignment_id: Uuid,
      assignee_type: AssigneeTypeSchema,
      user_id: Nullable(Uuid),
      team_id: Nullable(Uuid),
      member_count: Type.Integer({ minimum: 0, description: 'Users whose data counts (1 for a user)' }),
      target: Decimal,
      actual: Type.Number(),
      progress_percent: Percent,
      reported_at: Nullable(IsoDateTime),
    }),
  ),
});
export type GoalProgress = Static<typeof GoalProgress>;
