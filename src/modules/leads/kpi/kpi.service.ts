import { sql, type SQL } from 'drizzle-orm';
import { selectRows } from '../../../platform/db/rows.js';
import type { TenantDatabase } from '../../../platform/db/types.js';
import { forbidden, notFound } from '../../../platform/http/errors.js';
import type { JobQueue } from '../../../platform/jobs/types.js';
import type { Scheduler } from '../../../platform/scheduler/scheduler.js';
import { scopePredicate, tenantReadOf, type CallContext } from '../../../platform/resource/index.js';
import { KPI_TABLES, type KpiDimension } from './kpi-compute.js';
import { checkRange } from './kpi-days.js';
import { kpiRebuildJob } from './kpi-jobs.js';
import {
  kpiSums,
  measuresOf,
  membersOfTeam,
  outletScope,
  outletsUnderOrgUnit,
  usersUnderOrgUnit,
  type KpiSums,
} from './kpi-read.js';
import type { AgentKpiQuery, KpiRebuildBody, OutletKpiQuery } from './kpi.schemas.js';

const PERIOD = {
  day: sql`day`,
  week: sql`date_trunc('week', day)::date`,
  month: sql`date_trunc('month', day)::date`,
} as const;

/** A KPI table's rows of a range, with its key column named `key`. */
export function storedKpis(dimension: KpiDimension, tenantId: string, from: string, to: string): SQL {
  const table = KPI_TABLES[dimension];
  const key = sql.raw(dimension === 'agent' ? 'agent_id' : 'outlet_id');
  return sql`select day, ${key} as key, leads_captured, leads_converted, revenue, cost, bonus, net_profit,
      convert_seconds, convert_count
    from ${table} where tenant_id = ${tenantId} and day between ${from}::date and ${to}::date`;
}

function report(query: { from: string; to: string; group_by: string }, rows: KpiSums[], key: string) {
  const totals = rows.find((r) => r.is_total === 1)!;
  return {
    from: query.from,
    to: query.to,
    group_by: query.group_by,
    rows: rows
      .filter((r) => r.is_total !== 1)
      .map((r) => ({ period: r.period!, [key]: r.key!, ...measuresOf(r) })),
    totals: measuresOf(totals),
  };
}

const KEY = sql`k.key`;

/** Daily KPI reads per agent and per outlet, and rebuilds of a range as a tracked job. */
export function createKpiService(deps: {
  db: TenantDatabase;
  jobs: Pick<JobQueue, 'send'>;
  scheduler: Pick<Scheduler, 'queueTenantRun' | 'tenantRun'>;
}) {
  const tenantRead = tenantReadOf(deps);

  return {
    /** Agents in the caller's data scope (the agent is the owner, as for leads). */
    agents(ctx: CallContext, query: AgentKpiQuery) {
      checkRange(query, '/query');
      const t = ctx.tenantId;
      return tenantRead(ctx, async (tx) => {
        const rows = await selectRows<KpiSums>(
          tx,
          kpiSums(storedKpis('agent', t, query.from, query.to), PERIOD[query.group_by], [
            scopePredicate(ctx.principal, KEY),
            query.agent ? sql`k.key = ${query.agent}` : undefined,
            query.org_unit ? usersUnderOrgUnit(t, query.org_unit, KEY) : undefined,
            query.team ? membersOfTeam(t, query.team, KEY) : undefined,
          ]),
        );
        return report(query, rows, 'agent_id');
      });
    },

    /**
     * Outlet KPIs pool every agent's work at an outlet, so they are for managers who oversee
     * outlets: tenant scope sees every outlet, org-unit scope the outlets of its subtree; narrower
     * scopes are refused (403).
     */
    outlets(ctx: CallContext, query: OutletKpiQuery) {
      if (ctx.principal.scope !== 'tenant' && ctx.principal.scope !== 'org_unit')
        throw forbidden('Outlet KPIs need a tenant or org-unit data scope.', 'KPI_SCOPE_TOO_NARROW');
      checkRange(query, '/query');
      const t = ctx.tenantId;
      return tenantRead(ctx, async (tx) => {
        const rows = await selectRows<KpiSums>(
          tx,
          kpiSums(storedKpis('outlet', t, query.from, query.to), PERIOD[query.group_by], [
            outletScope(ctx.principal, t, KEY),
            query.outlet ? sql`k.key = ${query.outlet}` : undefined,
            query.org_unit ? outletsUnderOrgUnit(t, query.org_unit, KEY) : undefined,
          ]),
        );
        return report(query, rows, 'outlet_id');
      });
    },

    /** Queues the recomputation of the range as a job; the run reports its progress. */
    async rebuild(ctx: CallContext, body: KpiRebuildBody) {
      checkRange(body, '/body');
      const run = await deps.scheduler.queueTenantRun(kpiRebuildJob.name, ctx.tenantId);
      await deps.jobs.send(kpiRebuildJob, { tenantId: ctx.tenantId, runId: run.id, ...body });
      return run;
    },

    async rebuildRun(ctx: CallContext, id: string) {
      const run = await deps.scheduler.tenantRun(id, ctx.tenantId);
      if (!run || run.job_name !== kpiRebuildJob.name) throw notFound('KPI rebuild run', 'JOB_RUN_NOT_FOUND');
      return run;
    },
  };
}

export type KpiService = ReturnType<typeof createKpiService>;
