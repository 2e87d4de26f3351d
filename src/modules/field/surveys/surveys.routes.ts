import type { FastifyInstance } from 'fastify';
import { crudRoutes, resourceAction } from '../../../platform/resource/index.js';
import type { QuestionsService } from './questions.service.js';
import {
  AddQuestionBody,
  CreateSurveyBody,
  Question,
  QuestionList,
  QuestionListQuery,
  QuestionOrderBody,
  Survey,
  SurveyListQuery,
  UpdateQuestionBody,
  UpdateSurveyBody,
} from './surveys.schemas.js';
import type { SurveysService } from './surveys.service.js';

const tag = 'surveys';

export function surveyRoutes(
  app: FastifyInstance,
  surveys: SurveysService,
  questions: QuestionsService,
): void {
  crudRoutes(
    app,
    {
      path: '/surveys',
      tag,
      listKey: 'surveys',
      singular: 'survey',
      permission: 'surveys',
      item: Survey,
      list: { query: SurveyListQuery, summary: 'List surveys' },
      create: { body: CreateSurveyBody, summary: 'Create a survey, optionally with its questions' },
      read: { summary: 'Read a survey with its active questions' },
      update: { body: UpdateSurveyBody, summary: 'Update a survey' },
      delete: { summary: 'Delete a survey (archived instead when visits use it)' },
    },
    {
      list: surveys.list,
      create: surveys.create,
      get: surveys.get,
      update: surveys.update,
      remove: surveys.remove,
    },
  );

  resourceAction(
    app,
    {
      tag,
      method: 'get',
      path: '/surveys/:id/questions',
      summary: 'List the questions of a survey, in order',
      permission: 'surveys:read',
      query: QuestionListQuery,
      response: QuestionList,
    },
    (ctx, id, _body, query) => questions.list(ctx, id, query),
  );
  resourceAction(
    app,
    {
      tag,
      method: 'post',
      path: '/surveys/:id/questions',
      summary: 'Add a question at the end of a survey, or at a position',
      description:
        'Active questions are numbered 1…n. With `position` (1 to n + 1) the question is inserted there and ' +
        'the questions from that place on move one down; beyond n + 1 is 422. Without it the question is appended.',
      permission: 'surveys:write',
      body: AddQuestionBody,
      response: Question,
      status: 201,
    },
    (ctx, id, body) => questions.add(ctx, id, body),
  );
  resourceAction(
    app,
    {
      tag,
      method: 'put',
      path: '/surveys/:id/questions/order',
      summary: 'Reorder the active questions of a survey',
      description:
        '`question_ids` names every active question exactly once, in the new order; they are renumbered 1…n. ' +
        'A missing, repeated, archived or unknown id is 422 (pointing at the entry or at `/body/question_ids`).',
      permission: 'surveys:write',
      body: QuestionOrderBody,
      response: QuestionList,
    },
    (ctx, id, body) => questions.reorder(ctx, id, body),
  );

  crudRoutes(
    app,
    {
      path: '/questions',
      tag,
      listKey: 'questions',
      singular: 'question',
      permission: 'surveys',
      item: Question,
      update: {
        body: UpdateQuestionBody,
        summary: 'Update a question (an answered one keeps its type and answered options)',
      },
      delete: {
        summary: 'Delete a question (archived instead when it has answers); the questions after it move up',
      },
    },
    { update: questions.update, remove: questions.remove },
  );
}
