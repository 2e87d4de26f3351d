import type { FastifyInstance } from 'fastify';
import { Type, type Static } from 'typebox';
import type { TenantDatabase } from '../../../platform/db/types.js';
import { actionsOf, tenantTxOf, type CallContext } from '../../../platform/resource/index.js';
import {
  diff,
  PlanningSettingsSchema,
  tenantSettingsOf,
  updateTenantSettings,
  writeAudit,
} from '../../identity/index.js';

export const PlanningSettingsView = Type.Object({ planning: PlanningSettingsSchema });
export type PlanningSettingsView = Static<typeof PlanningSettingsView>;

export const PlanningSettingsBody = Type.Object({
  planning: Type.Partial(PlanningSettingsSchema, { minProperties: 1, additionalProperties: false }),
});
export type PlanningSettingsBody = Static<typeof PlanningSettingsBody>;

/** The tenant's planning settings: read by everyone in planning, changed by admins (audited). */
export function createPlanningSettingsService(deps: { db: TenantDatabase }) {
  const tenantTx = tenantTxOf(deps);
  return {
    get: (ctx: CallContext): Promise<PlanningSettingsView> =>
      tenantTx(ctx, async (tx) => ({ planning: (await tenantSettingsOf(tx, ctx.tenantId)).planning })),

    /** A partial change: the given fields replace the stored ones, the rest stay. */
    update: (ctx: CallContext, body: PlanningSettingsBody): Promise<PlanningSettingsView> =>
      tenantTx(ctx, async (tx) => {
        const current = (await tenantSettingsOf(tx, ctx.tenantId)).planning;
        const planning = { ...current, ...body.planning };
        const { before, after } = await updateTenantSettings(tx, ctx.tenantId, { planning }, '/body');
        await writeAudit(tx, ctx.audit, {
          tenantId: ctx.tenantId,
          action: 'tenant.update',
          entityType: 'tenant',
          entityId: ctx.tenantId,
          changes: diff({ planning: before.planning }, { planning: after.planning }),
        });
        return { planning: after.planning };
      }),
  };
}

export function planningSettingsRoutes(app: FastifyInstance, db: TenantDatabase): void {
  const service = createPlanningSettingsService({ db });
  const action = actionsOf(app, 'planning-settings');
  action(
    {
      method: 'get',
      path: '/settings',
      summary: 'The planning settings of the tenant',
      permission: 'planning:read',
      response: PlanningSettingsView,
    },
    (ctx) => service.get(ctx),
  );
  action(
    {
      method: 'put',
      path: '/settings',
      summary: 'Change the planning settings (partial: the fields given)',
      description:
        'Stored as the tenant setting `planning`. min_future_months 1–12 (default 12), reminder_days 0–60 (default 3), ' +
        'approver_roles role keys (default ["admin"]), baseline_method auto | seasonal_naive | moving_average | holt_winters.',
      permission: 'planning:settings',
      body: PlanningSettingsBody,
      response: PlanningSettingsView,
    },
    (ctx, _id, body: PlanningSettingsBody) => service.update(ctx, body),
  );
}
