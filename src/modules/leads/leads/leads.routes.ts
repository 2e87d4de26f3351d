import type { FastifyInstance } from 'fastify';
import { IdParams, ListEnvelope } from '../../../platform/http/schemas.js';
import { callContext, crudRoutes, resourceAction } from '../../../platform/resource/index.js';
import type { LeadActionsService } from './lead-actions.service.js';
import {
  CreateInteractionBody,
  CreateLeadBody,
  FollowUp,
  FollowUpQuery,
  Interaction,
  InteractionList,
  Lead,
  LeadBatchBody,
  LeadBatchResult,
  LeadListQuery,
  MergeBody,
  StatusChangeBody,
  StatusHistory,
  UpdateLeadBody,
  type CreateInteractionBody as CreateInteractionBodyT,
  type CreateLeadBody as CreateLeadBodyT,
} from './leads.schemas.js';
import type { LeadsService } from './leads.service.js';

const tag = 'leads';

export function leadRoutes(app: FastifyInstance, leads: LeadsService, actions: LeadActionsService): void {
  resourceAction(
    app,
    {
      tag,
      method: 'get',
      path: '/leads/follow-ups',
      summary: 'Open leads in scope whose next action is due (on `on`, default today) or overdue',
      permission: 'leads:read',
      query: FollowUpQuery,
      response: ListEnvelope('leads', FollowUp),
    },
    (ctx, _id, _body, query) => actions.followUps(ctx, query),
  );

  crudRoutes(
    app,
    {
      path: '/leads',
      tag,
      listKey: 'leads',
      singular: 'lead',
      permission: 'leads',
      item: Lead,
      list: { query: LeadListQuery, summary: 'List leads within the data scope' },
      read: {},
      update: { body: UpdateLeadBody, summary: 'Change a lead’s contact facts, product, source or outlet' },
    },
    leads,
  );

  app.post<{ Body: CreateLeadBodyT }>(
    '/leads',
    {
      config: { permission: 'leads:write' },
      schema: {
        summary: 'Capture a lead (idempotent by client_uuid: a repeat answers 200 with the stored lead)',
        description:
          'The phone is normalised to E.164 with the tenant’s `default_phone_region`. A lead with the phone of ' +
          'another lead of the same campaign captured within `lead_duplicate_window_days` is flagged ' +
          '(`is_duplicate`, `duplicate_of`: the master lead). A `client_uuid` stored for a lead outside the ' +
          'caller’s scope is 409 `CLIENT_UUID_IN_USE`.',
        tags: [tag],
        body: CreateLeadBody,
        response: { 200: Lead, 201: Lead },
      },
    },
    async (request, reply) => {
      const { lead, created } = await leads.create(callContext(request), request.body);
      return reply.code(created ? 201 : 200).send(lead);
    },
  );

  resourceAction(
    app,
    {
      tag,
      method: 'post',
      path: '/leads/batch',
      summary: 'Capture up to 500 leads captured offline, each on its own (per-item results)',
      description:
        'Every item is validated, made idempotent by its `client_uuid` and written on its own: a bad item is ' +
        'reported in its result (`failed`, with the problem and pointers under `/body/leads/{index}`) and never ' +
        'stops the others. Items are captured in order, so an earlier item is the master of a later duplicate.',
      permission: 'leads:write',
      body: LeadBatchBody,
      response: LeadBatchResult,
    },
    (ctx, _id, body) => leads.batch(ctx, body),
  );

  const write = { tag, method: 'post', permission: 'leads:write' } as const;
  resourceAction(
    app,
    {
      ...write,
      path: '/leads/:id/status',
      summary: 'Move a lead to another status (new → contacted → qualified → rejected | expired)',
      description:
        'An invalid move is 409 `INVALID_STATUS_TRANSITION`; each move writes a history row. A lead becomes ' +
        '`converted` only when a sale is recorded (`POST /conversions`, or an external sales import): a move ' +
        'to `converted` here is 409 `CONVERSION_REQUIRED`.',
      body: StatusChangeBody,
      response: Lead,
    },
    (ctx, id, body) => actions.changeStatus(ctx, id, body),
  );
  app.post<{ Params: { id: string }; Body: CreateInteractionBodyT }>(
    '/leads/:id/interactions',
    {
      config: { permission: 'leads:write' },
      schema: {
        summary:
          'Record a call, visit, message, reminder or verification (its next action date is the follow-up)',
        description:
          'Idempotent by `client_uuid`: a repeat answers 200 with the stored interaction. A `client_uuid` ' +
          'stored for another lead is 409 `CLIENT_UUID_IN_USE`.',
        tags: [tag],
        params: IdParams,
        body: CreateInteractionBody,
        response: { 200: Interaction, 201: Interaction },
      },
    },
    async (request, reply) => {
      const { interaction, created } = await actions.addInteraction(
        callContext(request),
        request.params.id,
        request.body,
      );
      return reply.code(created ? 201 : 200).send(interaction);
    },
  );
  resourceAction(
    app,
    {
      tag,
      method: 'post',
      path: '/leads/:id/merge',
      summary:
        'Merge a duplicate into its master (interactions and history move; the duplicate stays, merged)',
      permission: 'leads:merge',
      body: MergeBody,
      response: Lead,
    },
    (ctx, id, body) => actions.merge(ctx, id, body),
  );

  const read = { tag, method: 'get', permission: 'leads:read' } as const;
  resourceAction(
    app,
    { ...read, path: '/leads/:id/history', summary: 'The status history of a lead', response: StatusHistory },
    (ctx, id) => actions.history(ctx, id),
  );
  resourceAction(
    app,
    {
      ...read,
      path: '/leads/:id/interactions',
      summary: 'The interactions of a lead, oldest first',
      response: InteractionList,
    },
    (ctx, id) => actions.interactions(ctx, id),
  );
}
