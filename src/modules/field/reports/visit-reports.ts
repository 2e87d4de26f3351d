import { sql, type SQL } from 'drizzle-orm';
import { selectRows } from '../../../platform/db/rows.js';
import type { ReportQueryContext, ReportRow } from '../../../platform/reports/types.js';
import { keysetRows } from '../../../platform/reports/rows.js';
import { defineReportType } from '../../../platform/reports/types.js';
import { scopePredicate } from '../../identity/index.js';
import { percent, round2, type Period } from '../analytics/period.js';
import {
  checkFieldReportParameters,
  FieldReportParameters,
  periodLabel,
  reportPeriod,
} from './parameters.js';

/**
 * Visit summary and agent performance. Every statement is limited to the tenant, the period and the
 * caller's data scope (on the visit's agent), so a report never holds rows its reader could not list.
 */

function visitWhere(ctx: ReportQueryContext, period: Period, params: FieldReportParameters): SQL {
  const parts = [
    sql`v.tenant_id = ${ctx.tenantId}`,
    scopePredicate(ctx.principal, sql`v.agent_id`),
    sql`v.planned_date between ${period.from} and ${period.to}`,
    params.agent_id ? sql`v.agent_id = ${params.agent_id}` : undefined,
    params.outlet_id ? sql`v.outlet_id = ${params.outlet_id}` : undefined,
  ].filter((p): p is SQL => p !== undefined);
  return sql.join(parts, sql` and `);
}

const agentName = sql`trim(u.first_name || ' ' || u.last_name)`;

/** Counts per group; completion % of all visits, geofence compliance % of the checked-in ones. */
const measures = sql`count(*)::int as visits,
  count(*) filter (where v.status = 'completed')::int as completed,
  count(*) filter (where v.status = 'cancelled')::int as cancelled,
  count(*) filter (where v.status = 'missed')::int as missed,
  count(v.check_in_at)::int as checked_in,
  count(*) filter (where v.check_in_within_geofence)::int as within_geofence`;

type DetailRow = ReportRow & { day: string; agent: string; outlet: string; visit_id: string };

interface Measured {
  visits: number;
  completed: number;
  cancelled: number;
  missed: number;
  checked_in: number;
  within_geofence: number;
}

const withRates = <T extends Measured>(row: T): ReportRow =>
  ({
    ...row,
    completion_percent: percent(row.completed, row.visits),
    geofence_percent: percent(row.within_geofence, row.checked_in),
  }) as unknown as ReportRow;

const MEASURE_COLUMNS = [
  { key: 'visits', label: 'Visits', kind: 'integer' },
  { key: 'completed', label: 'Completed', kind: 'integer' },
  { key: 'cancelled', label: 'Cancelled', kind: 'integer' },
  { key: 'missed', label: 'Missed', kind: 'integer' },
  { key: 'completion_percent', label: 'Completion %', kind: 'percent' },
  { key: 'checked_in', label: 'Checked in', kind: 'integer' },
  { key: 'within_geofence', label: 'In geofence', kind: 'integer' },
  { key: 'geofence_percent', label: 'Geofence %', kind: 'percent' },
] as const;

export const visitSummaryReport = defineReportType({
  key: 'field.visit_summary',
  title: 'Visit summary',
  description:
    'Visits by agent, outlet and day with completion and geofence compliance, and every visit of the period',
  permission: 'visits:read',
  parameters: FieldReportParameters,
  checkParameters: checkFieldReportParameters,
  async query(ctx, params) {
    const period = reportPeriod(params, ctx.now, ctx.timeZone);
    const where = visitWhere(ctx, period, params);
    const byAgent = await selectRows<Measured & { agent: string }>(
      ctx.tx,
      sql`select ${agentName} as agent, ${measures}
        from visits v join users u on u.tenant_id = v.tenant_id and u.id = v.agent_id
        where ${where} group by u.id, u.first_name, u.last_name order by agent, u.id`,
    );
    const byOutlet = await selectRows<Measured & { outlet: string; code: string }>(
      ctx.tx,
      sql`select o.name as outlet, o.code, ${measures}
        from visits v join outlets o on o.tenant_id = v.tenant_id and o.id = v.outlet_id
        where ${where} group by o.id, o.name, o.code order by o.name, o.id`,
    );
    const byDay = await selectRows<Measured & { day: string }>(
      ctx.tx,
      sql`select to_char(v.planned_date, 'YYYY-MM-DD') as day, ${measures}
        from visits v where ${where} group by v.planned_date order by v.planned_date`,
    );
    const [counted] = await selectRows<{ visits: number }>(
      ctx.tx,
      sql`select count(*)::int as visits from visits v where ${where}`,
    );
    // Every visit of the period, read page by page while the file is written (keyset on the order,
    // never OFFSET): a period can hold 100,000 visits.
    const detail = keysetRows<DetailRow>(ctx, counted?.visits ?? 0, (tx, after, limit) =>
      selectRows<DetailRow>(
        tx,
        sql`select to_char(v.planned_date, 'YYYY-MM-DD') as day, ${agentName} as agent, o.name as outlet,
            v.status, v.check_in_at, round(v.check_in_distance_m::numeric, 1)::float8 as distance_m,
            v.check_in_within_geofence as within_geofence, v.completed_at, v.id as visit_id
          from visits v
          join users u on u.tenant_id = v.tenant_id and u.id = v.agent_id
          join outlets o on o.tenant_id = v.tenant_id and o.id = v.outlet_id
          where ${where}${
            after
              ? sql` and (v.planned_date, ${agentName}, o.name, v.id) > (${after.day}::date, ${after.agent}, ${after.outlet}, ${after.visit_id}::uuid)`
              : sql``
          }
          order by v.planned_date, ${agentName}, o.name, v.id limit ${limit}`,
      ),
    );
    return {
      period: periodLabel(period),
      sections: [
        {
          key: 'by_agent',
          title: 'By agent',
          columns: [{ key: 'agent', label: 'Agent', kind: 'text', width: 2 }, ...MEASURE_COLUMNS],
          rows: byAgent.map(withRates),
          chart: {
            kind: 'bar',
            title: 'Visits by agent',
            category: 'agent',
            series: ['visits', 'completed'],
          },
        },
        {
          key: 'by_outlet',
          title: 'By outlet',
          columns: [
            { key: 'outlet', label: 'Outlet', kind: 'text', width: 2 },
            { key: 'code', label: 'Code', kind: 'text' },
            ...MEASURE_COLUMNS,
          ],
          rows: byOutlet.map(withRates),
        },
        {
          key: 'by_day',
          title: 'By day',
          columns: [{ key: 'day', label: 'Day', kind: 'date' }, ...MEASURE_COLUMNS],
          rows: byDay.map(withRates),
          chart: {
            kind: 'line',
            title: 'Completion and geofence compliance per day (%)',
            category: 'day',
            series: ['completion_percent', 'geofence_percent'],
            limit: 400,
          },
        },
        {
          key: 'visits',
          title: 'Visits',
          columns: [
            { key: 'day', label: 'Day', kind: 'date' },
            { key: 'agent', label: 'Agent', kind: 'text', width: 1.5 },
            { key: 'outlet', label: 'Outlet', kind: 'text', width: 1.5 },
            { key: 'status', label: 'Status', kind: 'text' },
            { key: 'check_in_at', label: 'Check-in', kind: 'datetime' },
            { key: 'distance_m', label: 'Distance (m)', kind: 'number' },
            { key: 'within_geofence', label: 'In geofence', kind: 'text' },
            { key: 'completed_at', label: 'Completed', kind: 'datetime' },
          ],
          rows: detail,
        },
      ],
    };
  },
});

export const agentPerformanceReport = defineReportType({
  key: 'field.agent_performance',
  title: 'Agent performance',
  description: 'Per agent: visits, completion, geofence compliance, photos and average visit duration',
  permission: 'visits:read',
  parameters: FieldReportParameters,
  checkParameters: checkFieldReportParameters,
  async query(ctx, params) {
    const period = reportPeriod(params, ctx.now, ctx.timeZone);
    const where = visitWhere(ctx, period, params);
    const rows = await selectRows<Measured & { agent: string; photos: number; avg_minutes: number | null }>(
      ctx.tx,
      sql`select ${agentName} as agent, ${measures},
          coalesce(sum((select count(*) from photos p where p.tenant_id = v.tenant_id and p.visit_id = v.id)), 0)::int as photos,
          avg(extract(epoch from (v.completed_at - v.check_in_at)) / 60)
            filter (where v.status = 'completed' and v.check_in_at is not null)::float8 as avg_minutes
        from visits v join users u on u.tenant_id = v.tenant_id and u.id = v.agent_id
        where ${where} group by u.id, u.first_name, u.last_name order by completed desc, agent, u.id`,
    );
    return {
      period: periodLabel(period),
      sections: [
        {
          key: 'agents',
          title: 'Agent performance',
          columns: [
            { key: 'agent', label: 'Agent', kind: 'text', width: 2 },
            ...MEASURE_COLUMNS,
            { key: 'photos', label: 'Photos', kind: 'integer' },
            { key: 'avg_minutes', label: 'Avg visit (min)', kind: 'number' },
          ],
          rows: rows.map((row) => ({
            ...withRates(row),
            avg_minutes: row.avg_minutes === null ? null : round2(row.avg_minutes),
          })),
          chart: {
            kind: 'bar',
            title: 'Completion % by agent',
            category: 'agent',
            series: ['completion_percent', 'geofence_percent'],
          },
        },
      ],
    };
  },
});
