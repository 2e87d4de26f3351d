import type { TenantDatabase } from '../../../platform/db/types.js';
import { notFound } from '../../../platform/http/errors.js';
import type { JobQueue } from '../../../platform/jobs/types.js';
import { iso, tenantTxOf, type CallContext } from '../../../platform/resource/index.js';
import type { Scheduler } from '../../../platform/scheduler/scheduler.js';
import { diff, tenantSettingsOf, updateTenantSettings, writeAudit } from '../../identity/index.js';
import { customerInScope } from '../scope.js';
import { clockOf } from './clock.js';
import type { AlertDeps } from './health-drop.js';
import {
  atRiskRows,
  checkDeployment,
  distributionOf,
  latestScore,
  scoreHistory,
  trendRange,
} from './health-reads.js';
import type {
  AtRiskQuery,
  DeploymentQuery,
  HealthScore,
  HealthSettingsBody,
  HistoryQuery,
  TrendsQuery,
} from './health.schemas.js';
import { healthInputsOf, scoredCustomer } from './inputs.js';
import { calculateAllJob } from './jobs.js';
import { computeHealth, type HealthFactors } from './score.js';
import { snapshotTrend } from './snapshots.js';
import { writeScore, type HealthScoreRow } from './writer.js';

export function toHealthScore(row: HealthScoreRow): HealthScore {
  return {
    id: row.id,
    customer_id: row.customerId,
    deployment_id: row.deploymentId,
    overall_score: row.overallScore,
    adoption_score: row.adoptionScore,
    support_score: row.supportScore,
    engagement_score: row.engagementScore,
    financial_score: row.financialScore,
    risk_level: row.riskLevel,
    trend: row.trend,
    factors: row.factors as HealthFactors,
    weights: row.weights as HealthScore['weights'],
    calculated_at: row.calculatedAt.toISOString(),
    calculated_by: row.calculatedBy,
  };
}

type Deps = AlertDeps & {
  db: TenantDatabase;
  jobs: Pick<JobQueue, 'send'>;
  scheduler: Pick<Scheduler, 'queueTenantRun' | 'tenantRun'>;
};

/** Health scores: calculate one, queue all, read the latest, history, trends, at-risk, distribution, weights. */
export function createHealthService(deps: Deps) {
  const tenantTx = tenantTxOf(deps);
  const timeZoneOf = async (ctx: CallContext, tx: Parameters<Parameters<typeof tenantTx>[1]>[0]) =>
    (await tenantSettingsOf(tx, ctx.tenantId)).time_zone;

  return {
    /** Computes and stores a score now (the customer's, or one deployment's), with its effects. */
    calculate(ctx: CallContext, customerId: string, query: DeploymentQuery) {
      return tenantTx(ctx, async (tx) => {
        await customerInScope(tx, ctx.principal, customerId);
        const customer = await scoredCustomer(tx, ctx.tenantId, customerId);
        const settings = await tenantSettingsOf(tx, ctx.tenantId);
        const clock = clockOf(new Date(), settings.time_zone);
        const deploymentId = query.deployment_id ?? null;
        const inputs = await healthInputsOf(
          tx,
          ctx.tenantId,
          customer,
          clock,
          settings.health_weights,
          deploymentId,
        );
        const score = computeHealth(inputs);
        const written = await writeScore(deps, tx, ctx.tenantId, customer, clock, score, {
          deploymentId,
          calculatedBy: ctx.principal.impersonating ? null : ctx.principal.userId,
        });
        await writeAudit(tx, ctx.audit, {
          tenantId: ctx.tenantId,
          action: 'health_score.calculate',
          entityType: 'customer',
          entityId: customer.id,
          changes: diff(
            { status: written.status.before },
            {
              score_id: written.row.id,
              deployment_id: deploymentId,
              overall_score: score.overall,
              risk_level: score.risk,
              status: written.status.after,
            },
          ),
        });
        return toHealthScore(written.row);
      });
    },

    /** Queues the scoring of every current account of the tenant; the run reports its progress. */
    async calculateAll(ctx: CallContext) {
      const run = await deps.scheduler.queueTenantRun(calculateAllJob.name, ctx.tenantId);
      await deps.jobs.send(calculateAllJob, { tenantId: ctx.tenantId, runId: run.id });
      return run;
    },

    async calculateAllRun(ctx: CallContext, id: string) {
      const run = await deps.scheduler.tenantRun(id, ctx.tenantId);
      if (!run || run.job_name !== calculateAllJob.name)
        throw notFound('Calculation run', 'JOB_RUN_NOT_FOUND');
      return run;
    },

    latest(ctx: CallContext, customerId: string, query: DeploymentQuery) {
      return tenantTx(ctx, async (tx) => {
        await customerInScope(tx, ctx.principal, customerId);
        if (query.deployment_id) await checkDeployment(tx, ctx.tenantId, customerId, query.deployment_id);
        return toHealthScore(await latestScore(tx, ctx.tenantId, customerId, query.deployment_id));
      });
    },

    history(ctx: CallContext, customerId: string, query: HistoryQuery) {
      return tenantTx(ctx, async (tx) => {
        await customerInScope(tx, ctx.principal, customerId);
        if (query.deployment_id) await checkDeployment(tx, ctx.tenantId, customerId, query.deployment_id);
        const page = await scoreHistory(tx, ctx.tenantId, customerId, await timeZoneOf(ctx, tx), query);
        return {
          health_scores: page.rows.map(toHealthScore),
          total: page.total,
          limit: query.limit,
          offset: query.offset,
        };
      });
    },

    trends(ctx: CallContext, query: TrendsQuery) {
      return tenantTx(ctx, async (tx) => {
        const timeZone = await timeZoneOf(ctx, tx);
        const range = trendRange(query, clockOf(new Date(), timeZone).today);
        const rows = await snapshotTrend(tx, ctx.tenantId, ctx.principal, range, query.group_by);
        return {
          ...range,
          group_by: query.group_by,
          periods: rows
            .filter((row) => row.customers > 0)
            .map(({ period, customers, average, low, medium, high, critical }) => ({
              period,
              customers,
              average_score: average!,
              risk: { low, medium, high, critical },
            })),
        };
      });
    },

    atRisk(ctx: CallContext, query: AtRiskQuery) {
      return tenantTx(ctx, async (tx) => {
        const page = await atRiskRows(tx, ctx.tenantId, ctx.principal, query);
        return {
          customers: page.rows.map((row) => ({ ...row, calculated_at: iso(new Date(row.calculated_at))! })),
          total: page.total,
          limit: query.limit,
          offset: query.offset,
        };
      });
    },

    distribution(ctx: CallContext) {
      return tenantTx(ctx, (tx) => distributionOf(tx, ctx.tenantId, ctx.principal));
    },

    settings(ctx: CallContext) {
      return tenantTx(ctx, async (tx) => ({
        health_weights: (await tenantSettingsOf(tx, ctx.tenantId)).health_weights,
      }));
    },

    /** Changes the weights (checked: integers 0–100 summing to exactly 100), audited as a tenant change. */
    updateSettings(ctx: CallContext, body: HealthSettingsBody) {
      return tenantTx(ctx, async (tx) => {
        const { before, after } = await updateTenantSettings(tx, ctx.tenantId, body, '/body');
        await writeAudit(tx, ctx.audit, {
          tenantId: ctx.tenantId,
          action: 'tenant.update',
          entityType: 'tenant',
          entityId: ctx.tenantId,
          changes: diff({ health_weights: before.health_weights }, { health_weights: after.health_weights }),
        });
        return { health_weights: after.health_weights };
      });
    },
  };
}

export type HealthService = ReturnType<typeof createHealthService>;
