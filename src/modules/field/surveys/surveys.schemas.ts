import { Type, type Static } from 'typebox';
import { IsoDateTime, PaginationQuery, sortQuery, Uuid } from '../../../platform/http/schemas.js';
import { Nullable } from '../field.schemas.js';

export const SurveyTypeSchema = Type.Union([Type.Literal('individual'), Type.Literal('outlet')]);
export const QuestionTypeSchema = Type.Union([
  Type.Literal('text'),
  Type.Literal('number'),
  Type.Literal('single_choice'),
  Type.Literal('multiple_choice'),
  Type.Literal('yes_no'),
  Type.Literal('rating'),
  Type.Literal('photo'),
  Type.Literal('date'),
]);

export const QuestionValidationSchema = Type.Object(
  {
    min: Type.Optional(Type.Number({ description: 'Smallest number or rating allowed' })),
    max: Type.Optional(Type.Number({ description: 'Largest number or rating allowed' })),
    max_length: Type.Optional(Type.Integer({ minimum: 1, maximum: 10_000, description: 'Text answers' })),
  },
  { additionalProperties: false },
);

export const Question = Type.Object(
  {
    id: Uuid,
    survey_id: Uuid,
    text: Type.String(),
    type: QuestionTypeSchema,
    options: Type.Array(Type.String()),
    required: Type.Boolean(),
    validation: QuestionValidationSchema,
    position: Type.Integer({
      minimum: 1,
      description:
        'Active questions are numbered 1…n without gaps after every add, delete, archive and reorder; an archived question keeps the position it last had',
    }),
    archived_at: Nullable(IsoDateTime),
    created_at: IsoDateTime,
    updated_at: IsoDateTime,
  },
  { $id: 'SurveyQuestion' },
);
export type Question = Static<typeof Question>;

const questionFields = {
  text: Type.String({ minLength: 1, maxLength: 1000 }),
  type: QuestionTypeSchema,
  options: Type.Array(Type.String({ minLength: 1, maxLength: 200 }), {
    maxItems: 100,
    description: 'Choices of single_choice and multiple_choice questions (required there, empty otherwise)',
  }),
  required: Type.Boolean(),
  validation: QuestionValidationSchema,
};

export const CreateQuestionBody = Type.Object(
  {
    text: questionFields.text,
    type: questionFields.type,
    options: Type.Optional(questionFields.options),
    required: Type.Optional(questionFields.required),
    validation: Type.Optional(questionFields.validation),
  },
  { additionalProperties: false },
);
export type CreateQuestionBody = Static<typeof CreateQuestionBody>;

/** A question added to an existing survey: at the end, or at `position` (the others move down). */
export const AddQuestionBody = Type.Object(
  {
    ...CreateQuestionBody.properties,
    position: Type.Optional(
      Type.Integer({
        minimum: 1,
        description:
          '1-based place among the active questions, at most their count + 1 (default: the end); the questions from there on move one place down',
      }),
    ),
  },
  { additionalProperties: false },
);
export type AddQuestionBody = Static<typeof AddQuestionBody>;

export const UpdateQuestionBody = Type.Partial(Type.Object(questionFields), {
  additionalProperties: false,
  minProperties: 1,
});
export type UpdateQuestionBody = Static<typeof UpdateQuestionBody>;

export const QuestionOrderBody = Type.Object(
  {
    question_ids: Type.Array(Uuid, {
      minItems: 1,
      maxItems: 500,
      description: 'Every active question of the survey, in the new order',
    }),
  },
  { additionalProperties: false },
);
export type QuestionOrderBody = Static<typeof QuestionOrderBody>;

export const QuestionListQuery = Type.Object({
  include_archived: Type.Boolean({ default: false, description: 'Also list archived (answered) questions' }),
});
export type QuestionListQuery = Static<typeof QuestionListQuery>;

export const QuestionList = Type.Object({ questions: Type.Array(Question) });

export const Survey = Type.Object(
  {
    id: Uuid,
    title: Type.String(),
    description: Nullable(Type.String()),
    type: SurveyTypeSchema,
    brand_id: Nullable(Uuid),
    is_active: Type.Boolean(),
    archived_at: Nullable(IsoDateTime),
    question_count: Type.Integer({ minimum: 0, description: 'Active questions' }),
    questions: Type.Optional(Type.Array(Question, { description: 'Active questions, in order' })),
    created_at: IsoDateTime,
    updated_at: IsoDateTime,
  },
  { $id: 'Survey' },
);
export type Survey = Static<typeof Survey>;

const surveyFields = {
  title: Type.String({ minLength: 1, maxLength: 200 }),
  description: Nullable(Type.String({ maxLength: 5000 })),
  type: SurveyTypeSchema,
  brand_id: Nullable(Uuid),
  is_active: Type.Boolean(),
};

export const CreateSurveyBody = Type.Object(
  {
    title: surveyFields.title,
    description: Type.Optional(surveyFields.description),
    type: Type.Optional(surveyFields.type),
    brand_id: Type.Optional(surveyFields.brand_id),
    is_active: Type.Optional(surveyFields.is_active),
    questions: Type.Optional(Type.Array(CreateQuestionBody, { maxItems: 200 })),
  },
  { additionalProperties: false },
);
export type CreateSurveyBody = Static<typeof CreateSurveyBody>;

export const UpdateSurveyBody = Type.Partial(Type.Object(surveyFields), {
  additionalProperties: false,
  minProperties: 1,
});
export type UpdateSurveyBody = Static<typeof UpdateSurveyBody>;

export const SURVEY_SORT = ['title', 'created_at', 'updated_at'] as const;

export const SurveyListQuery = Type.Object({
  ...PaginationQuery.properties,
  q: Type.Optional(Type.String({ minLength: 1, maxLength: 100, description: 'Search in the title' })),
  type: Type.Optional(SurveyTypeSchema),
  brand: Type.Optional(Uuid),
  active: Type.Optional(Type.Boolean()),
  archived: Type.Boolean({ default: false, description: 'List archived surveys instead' }),
  sort: sortQuery(SURVEY_SORT, 'title'),
});
export type SurveyListQuery = Static<typeof SurveyListQuery>;
