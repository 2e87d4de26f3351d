import { Type, type Static } from 'typebox';
import { VisitGeocodeFields } from './visit-geocoding.schemas.js';
import { IsoDate, IsoDateTime, PaginationQuery, sortQuery, Uuid } from '../../../platform/http/schemas.js';
import { Photo } from '../photos/photos.schemas.js';
import { AccuracyM, Latitude, Longitude, Nullable } from '../field.schemas.js';
import { QuestionTypeSchema } from '../surveys/surveys.schemas.js';

export const VisitStatusSchema = Type.Union([
  Type.Literal('planned'),
  Type.Literal('in_progress'),
  Type.Literal('completed'),
  Type.Literal('cancelled'),
  Type.Literal('missed'),
]);
export const VisitTypeSchema = Type.Union([
  Type.Literal('planned'),
  Type.Literal('unplanned'),
  Type.Literal('follow_up'),
]);

export const Answer = Type.Object({
  question_id: Uuid,
  question_text: Type.String(),
  question_type: QuestionTypeSchema,
  value: Type.Unknown(),
  created_at: IsoDateTime,
});
export type Answer = Static<typeof Answer>;
export const AnswerList = Type.Object({ answers: Type.Array(Answer) });

const NullableNumber = Nullable(Type.Number());

export const Visit = Type.Object(
  {
    id: Uuid,
    agent_id: Uuid,
    outlet_id: Uuid,
    survey_id: Nullable(Uuid),
    call_cycle_id: Nullable(Uuid),
    client_uuid: Nullable(Uuid),
    status: VisitStatusSchema,
    visit_type: VisitTypeSchema,
    planned_date: IsoDate,
    notes: Nullable(Type.String()),
    check_in_at: Nullable(IsoDateTime),
    check_in_latitude: NullableNumber,
    check_in_longitude: NullableNumber,
    check_in_accuracy_m: NullableNumber,
    check_in_distance_m: Nullable(Type.Number({ description: 'Haversine metres to the outlet' })),
    check_in_within_geofence: Nullable(Type.Boolean()),
    completed_at: Nullable(IsoDateTime),
    completion_latitude: NullableNumber,
    completion_longitude: NullableNumber,
    completion_accuracy_m: NullableNumber,
    completion_distance_m: NullableNumber,
    completion_within_geofence: Nullable(Type.Boolean()),
    cancelled_at: Nullable(IsoDateTime),
    cancel_reason: Nullable(Type.String()),
    ...VisitGeocodeFields,
    answers: Type.Optional(Type.Array(Answer)),
    photos: Type.Optional(Type.Array(Photo)),
    created_at: IsoDateTime,
    updated_at: IsoDateTime,
  },
  { $id: 'Visit' },
);
export type Visit = Static<typeof Visit>;

export const CreateVisitBody = Type.Object(
  {
    outlet_id: Uuid,
    agent_id: Type.Optional(Uuid),
    survey_id: Type.Optional(Nullable(Uuid)),
    call_cycle_id: Type.Optional(Nullable(Uuid)),
    client_uuid: Type.Optional(Uuid),
    planned_date: Type.Optional(IsoDate),
    visit_type: Type.Optional(VisitTypeSchema),
    notes: Type.Optional(Nullable(Type.String({ maxLength: 5000 }))),
  },
  { additionalProperties: false },
);
export type CreateVisitBody = Static<typeof CreateVisitBody>;

export const CheckInBody = Type.Object(
  {
    latitude: Latitude,
    longitude: Longitude,
    accuracy_m: AccuracyM,
    checked_in_at: Type.Optional(IsoDateTime),
  },
  { additionalProperties: false },
);
export type CheckInBody = Static<typeof CheckInBody>;

export const CompleteVisitBody = Type.Object(
  {
    latitude: Latitude,
    longitude: Longitude,
    accuracy_m: AccuracyM,
    completed_at: Type.Optional(IsoDateTime),
    notes: Type.Optional(Nullable(Type.String({ maxLength: 5000 }))),
    answers: Type.Optional(
      Type.Array(
        Type.Object(
          { question_id: Uuid, value: Type.Optional(Type.Unknown()) },
          { additionalProperties: false },
        ),
        { maxItems: 500, description: 'One entry per question of the survey' },
      ),
    ),
  },
  { additionalProperties: false },
);
export type CompleteVisitBody = Static<typeof CompleteVisitBody>;

export const CancelVisitBody = Type.Object(
  { reason: Type.String({ minLength: 1, maxLength: 1000 }) },
  { additionalProperties: false },
);
export type CancelVisitBody = Static<typeof CancelVisitBody>;

export const VISIT_SORT = ['planned_date', 'created_at', 'completed_at', 'status'] as const;

export const VisitListQuery = Type.Object({
  ...PaginationQuery.properties,
  agent: Type.Optional(Uuid),
  outlet: Type.Optional(Uuid),
  survey: Type.Optional(Uuid),
  call_cycle: Type.Optional(Uuid),
  status: Type.Optional(VisitStatusSchema),
  date_from: Type.Optional(IsoDate),
  date_to: Type.Optional(IsoDate),
  sort: sortQuery(VISIT_SORT, '-planned_date'),
});
export type VisitListQuery = Static<typeof VisitListQuery>;
