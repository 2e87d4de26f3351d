import { sql, type SQL } from 'drizzle-orm';
import { selectRows } from '../../../platform/db/rows.js';
import { defineReportType, type ReportRow } from '../../../platform/reports/types.js';
import { scopePredicate } from '../../identity/index.js';
import { shelfShareRows } from '../analytics/analytics.repository.js';
import { sharesOf } from '../analytics/analytics.service.js';
import { percent } from '../analytics/period.js';
import {
  checkFieldReportParameters,
  FieldReportParameters,
  localToday,
  periodLabel,
  reportPeriod,
} from './parameters.js';

/** Most outlets a shelf-share report lists (those with the most marked photos). */
const MAX_OUTLETS = 500;

export const shelfShareReport = defineReportType({
  key: 'field.shelf_share',
  title: 'Shelf share',
  description: 'Shelf share of own and competitor brands, by brand and by outlet, with a chart',
  permission: 'analytics:read',
  parameters: FieldReportParameters,
  checkParameters: checkFieldReportParameters,
  async query(ctx, params) {
    const period = reportPeriod(params, ctx.now, ctx.timeZone);
    const filters = { agent: params.agent_id, outlet: params.outlet_id };
    const all = sharesOf(
      await shelfShareRows(ctx.tx, ctx.principal, ctx.tenantId, period, 'all', 'day', filters, 1),
    );
    const outletRows = await shelfShareRows(
      ctx.tx,
      ctx.principal,
      ctx.tenantId,
      period,
      'outlet',
      'day',
      filters,
      MAX_OUTLETS,
    );
    const outlets = new Map<string, typeof outletRows>();
    for (const row of outletRows) outlets.set(row.key, [...(outlets.get(row.key) ?? []), row]);
    const byOutlet: ReportRow[] = [...outlets.values()].flatMap((rows) =>
      sharesOf(rows).brands.map((brand) => ({
        outlet: rows[0]!.name,
        brand: brand.brand_name,
        own: brand.is_own ? 'own' : 'competitor',
        share_percent: brand.share_percent,
        photos: brand.photos,
      })),
    );
    return {
      period: periodLabel(period),
      sections: [
        {
          key: 'own_vs_competitor',
          title: 'Own vs competitor',
          columns: [
            { key: 'side', label: 'Brands', kind: 'text' },
            { key: 'share_percent', label: 'Share %', kind: 'percent' },
          ],
          rows: all.brands.length
            ? [
                { side: 'Own', share_percent: all.own_percent },
                { side: 'Competitor', share_percent: all.competitor_percent },
              ]
            : [],
          chart: {
            kind: 'pie',
            title: 'Own vs competitor shelf share',
            category: 'side',
            series: ['share_percent'],
          },
        },
        {
          key: 'by_brand',
          title: 'By brand',
          columns: [
            { key: 'brand', label: 'Brand', kind: 'text', width: 2 },
            { key: 'own', label: 'Own / competitor', kind: 'text' },
            { key: 'share_percent', label: 'Share %', kind: 'percent' },
            { key: 'photos', label: 'Photos', kind: 'integer' },
          ],
          rows: all.brands.map((brand) => ({
            brand: brand.brand_name,
            own: brand.is_own ? 'own' : 'competitor',
            share_percent: brand.share_percent,
            photos: brand.photos,
          })),
          chart: {
            kind: 'bar',
            title: 'Shelf share by brand (%)',
            category: 'brand',
            series: ['share_percent'],
          },
        },
        {
          key: 'by_outlet',
          title: 'By outlet and brand',
          columns: [
            { key: 'outlet', label: 'Outlet', kind: 'text', width: 2 },
            { key: 'brand', label: 'Brand', kind: 'text', width: 2 },
            { key: 'own', label: 'Own / competitor', kind: 'text' },
            { key: 'share_percent', label: 'Share %', kind: 'percent' },
            { key: 'photos', label: 'Photos', kind: 'integer' },
          ],
          rows: byOutlet,
        },
      ],
    };
  },
});

export const callCycleAdherenceReport = defineReportType({
  key: 'field.call_cycle_adherence',
  title: 'Call-cycle adherence',
  description: 'Per call cycle: planned visits due, visited, missed, adherence and outlet coverage',
  permission: 'call_cycles:read',
  parameters: FieldReportParameters,
  checkParameters: checkFieldReportParameters,
  async query(ctx, params) {
    const period = reportPeriod(params, ctx.now, ctx.timeZone);
    // Slots are due once their date has passed (or they were visited / marked missed), as on the cycle's page.
    const today = localToday(ctx.now, ctx.timeZone);
    const where = [
      sql`c.tenant_id = ${ctx.tenantId}`,
      scopePredicate(ctx.principal, sql`c.agent_id`),
      params.agent_id ? sql`c.agent_id = ${params.agent_id}` : undefined,
      sql`c.start_date <= ${period.to} and c.end_date >= ${period.from}`,
    ].filter((p): p is SQL => p !== undefined);
    const rows = await selectRows<{
      cycle: string;
      agent: string;
      frequency: string;
      outlets: number;
      due: number;
      visited: number;
      missed: number;
      outlets_visited: number;
    }>(
      ctx.tx,
      sql`select c.name as cycle, trim(u.first_name || ' ' || u.last_name) as agent, c.frequency,
          (select count(*) from call_cycle_locations l where l.tenant_id = c.tenant_id and l.cycle_id = c.id)::int as outlets,
          count(s.id) filter (where s.status <> 'planned' or s.slot_date < ${today})::int as due,
          count(s.id) filter (where s.status = 'visited')::int as visited,
          count(s.id) filter (where s.status = 'missed' or (s.status = 'planned' and s.slot_date < ${today}))::int as missed,
          count(distinct s.outlet_id) filter (where s.status = 'visited')::int as outlets_visited
        from call_cycles c
        join users u on u.tenant_id = c.tenant_id and u.id = c.agent_id
        left join call_cycle_slots s on s.tenant_id = c.tenant_id and s.cycle_id = c.id
          and s.slot_date between ${period.from} and ${period.to}
          ${params.outlet_id ? sql`and s.outlet_id = ${params.outlet_id}` : sql``}
        where ${sql.join(where, sql` and `)}
        group by c.tenant_id, c.id, c.name, c.frequency, u.first_name, u.last_name
        order by c.name, c.id`,
    );
    return {
      period: periodLabel(period),
      sections: [
        {
          key: 'cycles',
          title: 'Call-cycle adherence',
          columns: [
            { key: 'cycle', label: 'Cycle', kind: 'text', width: 2 },
            { key: 'agent', label: 'Agent', kind: 'text', width: 1.5 },
            { key: 'frequency', label: 'Frequency', kind: 'text' },
            { key: 'outlets', label: 'Outlets', kind: 'integer' },
            { key: 'due', label: 'Visits due', kind: 'integer' },
            { key: 'visited', label: 'Visited', kind: 'integer' },
            { key: 'missed', label: 'Missed', kind: 'integer' },
            { key: 'adherence_percent', label: 'Adherence %', kind: 'percent' },
            { key: 'coverage_percent', label: 'Coverage %', kind: 'percent' },
          ],
          rows: rows.map((row) => ({
            ...row,
            adherence_percent: percent(row.visited, row.due),
            coverage_percent: percent(row.outlets_visited, row.outlets),
          })),
          chart: {
            kind: 'bar',
            title: 'Adherence by cycle (%)',
            category: 'cycle',
            series: ['adherence_percent'],
          },
        },
      ],
    };
  },
});
