import type { FastifyInstance } from 'fastify';
import { actionsOf, crudRoutes } from '../../../platform/resource/index.js';
import {
  CreateCycleBody,
  CycleListQuery,
  CycleStats,
  NotifyResult,
  SopCycle,
  UpdateCycleBody,
} from './cycles.schemas.js';
import type { CyclesService } from './cycles.service.js';

const tag = 'sop-cycles';

export function cycleRoutes(app: FastifyInstance, service: CyclesService): void {
  const action = actionsOf(app, tag);
  const manage = 'sop_cycles:manage';

  // Before the CRUD routes' /:id so "active" is never read as an id.
  action(
    {
      method: 'get',
      path: '/sop/cycles/active',
      summary: 'The open cycle (404 NO_ACTIVE_CYCLE when none is open)',
      permission: 'sop_cycles:read',
      response: SopCycle,
    },
    (ctx) => service.active(ctx),
  );
  crudRoutes(
    app,
    {
      path: '/sop/cycles',
      tag,
      listKey: 'sop_cycles',
      singular: 'S&OP cycle',
      permission: 'sop_cycles',
      item: SopCycle,
      list: { query: CycleListQuery, summary: 'List S&OP cycles (newest anchor month first by default)' },
      create: {
        body: CreateCycleBody,
        summary: 'Create a draft cycle (end_date before start_date is 422 at end_date)',
      },
      read: {},
      update: {
        body: UpdateCycleBody,
        summary:
          'Change a cycle (partial): a draft freely, an open one except its anchor month (409 SOP_CYCLE_NOT_DRAFT), a closed one never (409 SOP_CYCLE_CLOSED)',
      },
      delete: { summary: 'Delete a draft cycle (any other status: 409 SOP_CYCLE_NOT_DRAFT)' },
    },
    service,
  );
  action(
    {
      method: 'post',
      path: '/sop/cycles/:id/open',
      summary: 'Open a draft cycle',
      description:
        'Only one cycle is open per tenant: while another is open the answer is 409 SOP_CYCLE_ALREADY_OPEN (also when two ' +
        'opens race: a partial unique index decides). A cycle that is not a draft is 409 SOP_CYCLE_NOT_DRAFT.',
      permission: manage,
      response: SopCycle,
    },
    (ctx, id) => service.open(ctx, id),
  );
  action(
    {
      method: 'post',
      path: '/sop/cycles/:id/close',
      summary: 'Close an open cycle (otherwise 409 SOP_CYCLE_NOT_OPEN)',
      permission: manage,
      response: SopCycle,
    },
    (ctx, id) => service.close(ctx, id),
  );
  action(
    {
      method: 'post',
      path: '/sop/cycles/:id/notify',
      summary: 'E-mail every rep who has not submitted all their forecasts of the open cycle',
      description:
        'Reps are the users named on active customer–product matrix rows; one e-mail each, through the shared mailer, ' +
        'naming how many forecasts are missing and the submission deadline. A cycle that is not open is 409 SOP_CYCLE_NOT_OPEN.',
      permission: manage,
      response: NotifyResult,
    },
    (ctx, id) => service.notify(ctx, id),
  );
  action(
    {
      method: 'get',
      path: '/sop/cycles/:id/stats',
      summary: 'Submission progress: forecasts and reps total/submitted, completion %',
      permission: 'sop_cycles:read',
      response: CycleStats,
    },
    (ctx, id) => service.stats(ctx, id),
  );
}
