import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { IdParams, ListEnvelope } from '../../../platform/http/schemas.js';
import { callContext, crudRoutes, resourceAction } from '../../../platform/resource/index.js';
import type { PayoutFormat } from '../tables/bonus.tables.js';
import {
  CreateRuleBody,
  CreateRuleSetBody,
  CreateRunBody,
  ExportQuery,
  ItemListQuery,
  Preview,
  PreviewBody,
  Rule,
  RuleList,
  RuleParams,
  RuleSet,
  RuleSetListQuery,
  Run,
  RunItem,
  RunListQuery,
  UpdateRuleBody,
  UpdateRuleSetBody,
} from './bonus.schemas.js';
import type { PayoutExportService } from './payout-export.service.js';
import type { RuleSetsService } from './rule-sets.service.js';
import type { RunApprovalService } from './run-approval.service.js';
import type { RunsService } from './runs.service.js';

const TAG = 'bonuses';
type RuleIds = { id: string; ruleId: string };

export function bonusRoutes(
  app: FastifyInstance,
  services: {
    sets: RuleSetsService;
    runs: RunsService;
    approval: RunApprovalService;
    exports: PayoutExportService;
  },
): void {
  const { sets, runs, approval } = services;
  crudRoutes(
    app,
    {
      path: '/bonus-rule-sets',
      tag: TAG,
      listKey: 'bonus_rule_sets',
      singular: 'bonus rule set',
      permission: 'bonus_rules',
      item: RuleSet,
      list: { query: RuleSetListQuery },
      create: {
        body: CreateRuleSetBody,
        summary: 'Create a rule set (409 RULE_SET_OVERLAP when active sets would overlap)',
      },
      read: {},
      update: {
        body: UpdateRuleSetBody,
        summary: 'Change a rule set (409 RULE_SET_LOCKED once an approved run used it)',
      },
      delete: { summary: 'Delete a rule set no run used (409 RULE_SET_IN_USE)' },
    },
    sets,
  );
  const rules = { tag: TAG, permission: 'bonus_rules:write' } as const;
  resourceAction(
    app,
    {
      ...rules,
      method: 'get',
      path: '/bonus-rule-sets/:id/rules',
      permission: 'bonus_rules:read',
      summary: 'The rules of a set, by priority',
      response: RuleList,
    },
    (ctx, id) => sets.listRules(ctx, id),
  );
  resourceAction(
    app,
    {
      ...rules,
      method: 'post',
      path: '/bonus-rule-sets/:id/rules',
      summary: 'Add a rule',
      body: CreateRuleBody,
      response: Rule,
      status: 201,
    },
    (ctx, id, body) => sets.createRule(ctx, id, body),
  );
  const byRule = '/bonus-rule-sets/:id/rules/:ruleId';
  resourceAction(
    app,
    {
      ...rules,
      method: 'get',
      path: byRule,
      params: RuleParams,
      permission: 'bonus_rules:read',
      summary: 'Read a rule',
      response: Rule,
    },
    (ctx, _id, _b, _q, p) => sets.getRule(ctx, p.id!, (p as RuleIds).ruleId),
  );
  resourceAction(
    app,
    {
      ...rules,
      method: 'put',
      path: byRule,
      params: RuleParams,
      summary: 'Change a rule',
      body: UpdateRuleBody,
      response: Rule,
    },
    (ctx, _id, body, _q, p) => sets.updateRule(ctx, p.id!, (p as RuleIds).ruleId, body),
  );
  resourceAction(
    app,
    { ...rules, method: 'delete', path: byRule, params: RuleParams, summary: 'Delete a rule', status: 204 },
    (ctx, _id, _b, _q, p) => sets.removeRule(ctx, p.id!, (p as RuleIds).ruleId),
  );

  crudRoutes(
    app,
    {
      path: '/bonus-runs',
      tag: TAG,
      listKey: 'bonus_runs',
      singular: 'bonus run',
      permission: { read: 'bonus_runs:read', write: 'bonus_runs:run' },
      item: Run,
      list: { query: RunListQuery },
      read: {},
    },
    runs,
  );
  resourceAction(
    app,
    {
      tag: TAG,
      method: 'post',
      path: '/bonus-runs',
      permission: 'bonus_runs:run',
      summary: 'Start a bonus run of a period (computed by a job)',
      body: CreateRunBody,
      response: Run,
      status: 202,
    },
    (ctx, _id, body) => runs.create(ctx, body),
  );
  resourceAction(
    app,
    {
      tag: TAG,
      method: 'post',
      path: '/bonus-runs/preview',
      permission: 'bonus_rules:write',
      summary: 'Compute a period under a rule set or inline rules, saving nothing',
      body: PreviewBody,
      response: Preview,
    },
    (ctx, _id, body) => runs.preview(ctx, body),
  );
  resourceAction(
    app,
    {
      tag: TAG,
      method: 'get',
      path: '/bonus-runs/:id/items',
      permission: 'bonus_runs:read',
      summary: 'A run’s items within the data scope',
      query: ItemListQuery,
      response: ListEnvelope('items', RunItem),
    },
    (ctx, id, _b, query) => runs.items(ctx, id, query),
  );
  const action = { tag: TAG, method: 'post', response: Run } as const;
  resourceAction(
    app,
    {
      ...action,
      path: '/bonus-runs/:id/rerun',
      permission: 'bonus_runs:run',
      summary: 'Compute a failed or completed run again (409 BONUS_RUN_APPROVED / BONUS_RUN_IN_PROGRESS)',
      status: 202,
    },
    (ctx, id) => runs.rerun(ctx, id),
  );
  resourceAction(
    app,
    {
      ...action,
      path: '/bonus-runs/:id/approve',
      permission: 'bonus_runs:approve',
      summary: 'Approve a completed run: ledger accruals, campaign spend (409 otherwise)',
    },
    (ctx, id) => approval.approve(ctx, id),
  );
  resourceAction(
    app,
    {
      ...action,
      path: '/bonus-runs/:id/mark-paid',
      permission: 'bonus_runs:pay',
      summary: 'Mark an approved run paid: payout entries (409 otherwise)',
    },
    (ctx, id) => approval.markPaid(ctx, id),
  );

  app.get(
    '/bonus-runs/:id/export',
    {
      config: { permission: 'bonus_runs:read' },
      schema: {
        summary: 'The payout file (per agent totals and item lines) as CSV, XLSX or PDF',
        tags: [TAG],
        params: IdParams,
        querystring: ExportQuery,
        response: { 200: Type.String({ format: 'binary' }) },
      },
    },
    async (request, reply) => {
      const { id } = request.params as { id: string };
      const { format } = request.query as { format: PayoutFormat };
      const file = await services.exports.export(callContext(request), id, format);
      return reply
        .header('content-type', file.contentType)
        .header('content-disposition', `attachment; filename="${file.fileName}"`)
        .header('x-content-sha256', file.sha256)
        .send(file.body);
    },
  );
}
