import type { FastifyInstance } from 'fastify';
import { ListEnvelope } from '../../../platform/http/schemas.js';
import { actionsOf, crudRoutes } from '../../../platform/resource/index.js';
import type { InteractionReports } from './interaction-reports.js';
import {
  CreateInteractionBody,
  CustomerIdParams,
  CustomerInteractionsQuery,
  Interaction,
  InteractionListQuery,
  InteractionSummary,
  PendingFollowUp,
  PendingFollowUpQuery,
  SummaryQuery,
  UpdateInteractionBody,
} from './interactions.schemas.js';
import type { InteractionsService } from './interactions.service.js';

const tag = 'interactions';

export function interactionRoutes(
  app: FastifyInstance,
  service: InteractionsService,
  reports: InteractionReports,
): void {
  const action = actionsOf(app, tag);
  const read = 'interactions:read';

  action(
    {
      method: 'get',
      path: '/interactions/summary',
      summary: 'Interactions per type and sentiment over a period (default: the last 30 days)',
      description:
        'Days are the tenant’s calendar days, both ends included; `date_from` defaults to `date_to` − 29 ' +
        'and `date_to` to today. Only interactions of customers in the caller’s data scope count.',
      permission: read,
      query: SummaryQuery,
      response: InteractionSummary,
    },
    (ctx, _id, _body, query) => reports.summary(ctx, query),
  );
  action(
    {
      method: 'get',
      path: '/interactions/pending-followups',
      summary: 'Follow-ups required and not done, by follow-up date (undated last)',
      description:
        'Each is `overdue` (date before today in the tenant’s time zone), `due` (today), `upcoming` or ' +
        '`unscheduled` (no date). Mark one done with `PUT /interactions/{id}` `{follow_up_completed: true}`.',
      permission: read,
      query: PendingFollowUpQuery,
      response: ListEnvelope('interactions', PendingFollowUp),
    },
    (ctx, _id, _body, query) => reports.pendingFollowUps(ctx, query),
  );
  action(
    {
      method: 'get',
      path: '/interactions/customer/:id',
      summary: 'A customer’s interactions (404 when the customer is not in the data scope)',
      permission: read,
      params: CustomerIdParams,
      query: CustomerInteractionsQuery,
      response: ListEnvelope('interactions', Interaction),
    },
    (ctx, id, _body, query) => service.forCustomer(ctx, id, query),
  );

  crudRoutes(
    app,
    {
      path: '/interactions',
      tag,
      listKey: 'interactions',
      singular: 'interaction',
      permission: { read, write: 'interactions:write' },
      item: Interaction,
      list: { query: InteractionListQuery, summary: 'List interactions of the customers in the data scope' },
      create: {
        body: CreateInteractionBody,
        summary: 'Log an interaction (an escalation raises a high alert about the customer at once)',
      },
      read: {},
      update: {
        body: UpdateInteractionBody,
        summary: 'Change an interaction (partial); `follow_up_completed` marks its follow-up done',
      },
      delete: { summary: 'Delete an interaction', permission: 'interactions:delete' },
    },
    service,
  );
}
