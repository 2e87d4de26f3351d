import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { IdParams, ListEnvelope } from '../../../platform/http/schemas.js';
import { callContext } from '../../identity/index.js';
import type { QuestionsService } from './questions.service.js';
import {
  CreateQuestionBody,
  CreateSurveyBody,
  Question,
  QuestionList,
  QuestionListQuery,
  QuestionOrderBody,
  Survey,
  SurveyListQuery,
  UpdateQuestionBody,
  UpdateSurveyBody,
  type CreateQuestionBody as CreateQuestionBodyT,
  type CreateSurveyBody as CreateSurveyBodyT,
  type QuestionListQuery as QuestionListQueryT,
  type QuestionOrderBody as QuestionOrderBodyT,
  type SurveyListQuery as SurveyListQueryT,
  type UpdateQuestionBody as UpdateQuestionBodyT,
  type UpdateSurveyBody as UpdateSurveyBodyT,
} from './surveys.schemas.js';
import type { SurveysService } from './surveys.service.js';

type Id = { id: string };
const NoContent = { 204: Type.Null() };

export function surveyRoutes(
  app: FastifyInstance,
  surveys: SurveysService,
  questions: QuestionsService,
): void {
  const tags = ['surveys'];
  const read = { permission: 'surveys:read' };
  const write = { permission: 'surveys:write' };

  app.get<{ Querystring: SurveyListQueryT }>(
    '/surveys',
    {
      config: read,
      schema: {
        summary: 'List surveys',
        tags,
        querystring: SurveyListQuery,
        response: { 200: ListEnvelope('surveys', Survey) },
      },
    },
    async (request) => surveys.list(callContext(request), request.query),
  );

  app.post<{ Body: CreateSurveyBodyT }>(
    '/surveys',
    {
      config: write,
      schema: {
        summary: 'Create a survey, optionally with its questions',
        tags,
        body: CreateSurveyBody,
        response: { 201: Survey },
      },
    },
    async (request, reply) => reply.code(201).send(await surveys.create(callContext(request), request.body)),
  );

  app.get<{ Params: Id }>(
    '/surveys/:id',
    {
      config: read,
      schema: {
        summary: 'Read a survey with its active questions',
        tags,
        params: IdParams,
        response: { 200: Survey },
      },
    },
    async (request) => surveys.get(callContext(request), request.params.id),
  );

  app.put<{ Params: Id; Body: UpdateSurveyBodyT }>(
    '/surveys/:id',
    {
      config: write,
      schema: {
        summary: 'Update a survey',
        tags,
        params: IdParams,
        body: UpdateSurveyBody,
        response: { 200: Survey },
      },
    },
    async (request) => surveys.update(callContext(request), request.params.id, request.body),
  );

  app.delete<{ Params: Id }>(
    '/surveys/:id',
    {
      config: write,
      schema: {
        summary: 'Delete a survey (archived instead when visits use it)',
        tags,
        params: IdParams,
        response: NoContent,
      },
    },
    async (request, reply) => {
      await surveys.remove(callContext(request), request.params.id);
      return reply.code(204).send();
    },
  );

  app.get<{ Params: Id; Querystring: QuestionListQueryT }>(
    '/surveys/:id/questions',
    {
      config: read,
      schema: {
        summary: 'List the questions of a survey, in order',
        tags,
        params: IdParams,
        querystring: QuestionListQuery,
        response: { 200: QuestionList },
      },
    },
    async (request) => questions.list(callContext(request), request.params.id, request.query),
  );

  app.post<{ Params: Id; Body: CreateQuestionBodyT }>(
    '/surveys/:id/questions',
    {
      config: write,
      schema: {
        summary: 'Add a question at the end of a survey',
        tags,
        params: IdParams,
        body: CreateQuestionBody,
        response: { 201: Question },
      },
    },
    async (request, reply) =>
      reply.code(201).send(await questions.add(callContext(request), request.params.id, request.body)),
  );

  app.put<{ Params: Id; Body: QuestionOrderBodyT }>(
    '/surveys/:id/questions/order',
    {
      config: write,
      schema: {
        summary: 'Reorder the active questions of a survey',
        tags,
        params: IdParams,
        body: QuestionOrderBody,
        response: { 200: QuestionList },
      },
    },
    async (request) => questions.reorder(callContext(request), request.params.id, request.body),
  );

  app.put<{ Params: Id; Body: UpdateQuestionBodyT }>(
    '/questions/:id',
    {
      config: write,
      schema: {
        summary: 'Update a question (an answered one keeps its type and answered options)',
        tags,
        params: IdParams,
        body: UpdateQuestionBody,
        response: { 200: Question },
      },
    },
    async (request) => questions.update(callContext(request), request.params.id, request.body),
  );

  app.delete<{ Params: Id }>(
    '/questions/:id',
    {
      config: write,
      schema: {
        summary: 'Delete a question (archived instead when it has answers)',
        tags,
        params: IdParams,
        response: NoContent,
      },
    },
    async (request, reply) => {
      await questions.remove(callContext(request), request.params.id);
      return reply.code(204).send();
    },
  );
}
