import { expect } from 'vitest';
import type { TestApp } from '../harness/app.js';
import { localDate } from '../../src/modules/leads/clock.js';
import { daysBetween } from '../../src/modules/leads/kpi/kpi-days.js';
import { refreshKpi } from '../../src/modules/leads/kpi/kpi-jobs.js';
import { client, type Headers } from './helpers.js';

/*
 * KPI test helpers. Sales and ledger adjustments go through their routes (`POST /conversions`,
 * `POST /ledger/adjustments`), which write the conversion with its ledger entries, convert the
 * lead and queue the KPI refresh in one transaction; the tests then run the queued refreshes.
 */

async function timeZoneOf(t: TestApp, tenantId: string): Promise<string> {
  const { rows } = await t.database.db.query<{ tz: string | null }>(
    `select settings->>'time_zone' as tz from tenants where id = $1`,
    [tenantId],
  );
  return rows[0]?.tz ?? 'UTC';
}

/**
 * A sale of a lead recorded by `who` (the lead's agent or a manager with it in scope) through
 * `POST /conversions`; answers the conversion's id. A repeat sale of a converted lead needs the
 * tenant setting `lead_repeat_sales`.
 */
export async function recordSale(
  t: TestApp,
  who: Headers,
  sale: { leadId: string; amount: string; cost?: string; convertedAt: Date },
): Promise<string> {
  const body = {
    lead_id: sale.leadId,
    amount: sale.amount,
    ...(sale.cost === undefined ? {} : { cost: sale.cost }),
    converted_at: sale.convertedAt.toISOString(),
  };
  return (await client(t).ok<{ id: string }>('POST', '/conversions', who, body, 201)).id;
}

/** A manual ledger adjustment of one component for an agent (and outlet), by an admin. */
export async function adjustLedger(
  t: TestApp,
  admin: Headers,
  entry: {
    agentId: string;
    outletId?: string | null;
    component: 'revenue' | 'cost' | 'bonus' | 'payout';
    amount: string;
    occurredAt: Date;
  },
): Promise<void> {
  const body = {
    component: entry.component,
    amount: entry.amount,
    occurred_at: entry.occurredAt.toISOString(),
    agent_id: entry.agentId,
    ...(entry.outletId ? { outlet_id: entry.outletId } : {}),
    reason: 'correction',
  };
  await client(t).ok('POST', '/ledger/adjustments', admin, body, 201);
}

/** Runs the queued jobs of one kind in the order they were queued, then marks them done (deleted). */
async function runQueued<T>(t: TestApp, name: string, run: (data: T) => Promise<unknown>): Promise<number> {
  const { rows } = await t.database.db.query<{ id: string; data: T }>(
    `select id, data from pgboss.job where name = $1 and state = 'created' order by created_on, id`,
    [name],
  );
  for (const job of rows) await run(job.data);
  if (rows.length)
    await t.database.db.query('delete from pgboss.job where id = any($1::uuid[])', [rows.map((r) => r.id)]);
  return rows.length;
}

/** Runs the queued KPI refresh jobs the way the worker does (test apps run no workers). */
export const runQueuedKpiRefreshes = (t: TestApp) =>
  runQueued<{ tenantId: string; days: string[] }>(t, 'leads.kpi-refresh', (data) =>
    refreshKpi(t.app.platform.db, data.tenantId, data.days),
  );

/** Runs the queued `POST /kpi/rebuild` jobs as the worker does: tracked by their run. */
export const runQueuedRebuilds = (t: TestApp) =>
  runQueued<{ tenantId: string; runId: string; from: string; to: string }>(t, 'leads.kpi-rebuild', (data) =>
    t.app.platform.scheduler.track(data.runId, () =>
      refreshKpi(t.app.platform.db, data.tenantId, daysBetween(data.from, data.to)),
    ),
  );

/** A KPI row as the tests compare them: money in cents, seconds to the millisecond. */
export interface KpiRowFacts {
  table: 'agent' | 'outlet';
  day: string;
  key: string;
  captured: number;
  converted: number;
  revenue: number;
  cost: number;
  bonus: number;
  net: number;
  seconds: number;
  count: number;
}

const cents = (v: string | number) => Math.round(Number(v) * 100);
const millis = (v: string | number) => Math.round(Number(v) * 1000);
const order = (a: KpiRowFacts, b: KpiRowFacts) =>
  `${a.table}${a.day}${a.key}`.localeCompare(`${b.table}${b.day}${b.key}`);

/** The stored KPI rows of a tenant, both tables. */
export async function storedKpiRows(t: TestApp, tenantId: string): Promise<KpiRowFacts[]> {
  const rows: KpiRowFacts[] = [];
  for (const table of ['agent', 'outlet'] as const) {
    const { rows: stored } = await t.database.db.query<Record<string, string | number>>(
      `select to_char(day, 'YYYY-MM-DD') as day, ${table}_id as key, leads_captured, leads_converted,
          revenue::text, cost::text, bonus::text, net_profit::text, convert_seconds::text, convert_count
        from kpi_${table}_daily where tenant_id = $1`,
      [tenantId],
    );
    for (const r of stored)
      rows.push({
        table,
        day: String(r.day),
        key: String(r.key),
        captured: Number(r.leads_captured),
        converted: Number(r.leads_converted),
        revenue: cents(r.revenue!),
        cost: cents(r.cost!),
        bonus: cents(r.bonus!),
        net: cents(r.net_profit!),
        seconds: millis(r.convert_seconds!),
        count: Number(r.convert_count),
      });
  }
  return rows.sort(order);
}

/**
 * The KPI rows recomputed in TypeScript from the raw rows, written apart from the SQL the job
 * runs: the definitions of the README applied row by row.
 */
export async function expectedKpiRows(t: TestApp, tenantId: string): Promise<KpiRowFacts[]> {
  const timeZone = await timeZoneOf(t, tenantId);
  const q = async <R>(text: string) => (await t.database.db.query<R>(text, [tenantId])).rows;
  type Id = string | null;
  const leads = await q<{ agent_id: Id; outlet_id: Id; captured_at: Date; merged_at: Date | null }>(
    'select agent_id, outlet_id, captured_at, merged_at from leads where tenant_id = $1',
  );
  const sales = await q<{
    id: string;
    lead_id: string;
    agent_id: Id;
    outlet_id: Id;
    converted_at: Date;
    lead_captured_at: Date;
  }>(
    'select id, lead_id, agent_id, outlet_id, converted_at, lead_captured_at from conversions where tenant_id = $1',
  );
  const ledger = await q<{
    agent_id: Id;
    outlet_id: Id;
    component: string;
    amount: string;
    occurred_at: Date;
  }>(
    'select agent_id, outlet_id, component, amount::text, occurred_at from ledger_entries where tenant_id = $1',
  );
  const firstSale = new Map<string, (typeof sales)[number]>();
  for (const s of sales) {
    const seen = firstSale.get(s.lead_id);
    const at = (x: typeof s) => `${new Date(x.converted_at).toISOString()}${x.id}`;
    if (!seen || at(s) < at(seen)) firstSale.set(s.lead_id, s);
  }
  const rows = new Map<string, KpiRowFacts>();
  const add = (key: Id, table: 'agent' | 'outlet', at: Date, change: Partial<KpiRowFacts>) => {
    if (!key) return;
    const day = localDate(new Date(at), timeZone);
    const id = `${table}/${day}/${key}`;
    const row = rows.get(id) ?? {
      table,
      day,
      key,
      captured: 0,
      converted: 0,
      revenue: 0,
      cost: 0,
      bonus: 0,
      net: 0,
      seconds: 0,
      count: 0,
    };
    for (const [k, v] of Object.entries(change))
      (row as unknown as Record<string, number>)[k]! += v as number;
    rows.set(id, row);
  };
  const both = (r: { agent_id: Id; outlet_id: Id }, at: Date, change: Partial<KpiRowFacts>) => {
    add(r.agent_id, 'agent', at, change);
    add(r.outlet_id, 'outlet', at, change);
  };
  for (const l of leads) if (!l.merged_at) both(l, l.captured_at, { captured: 1 });
  for (const s of firstSale.values()) {
    const seconds = new Date(s.converted_at).getTime() - new Date(s.lead_captured_at).getTime();
    both(s, s.converted_at, { converted: 1, count: 1, seconds });
  }
  for (const e of ledger) {
    if (!['revenue', 'cost', 'bonus'].includes(e.component)) continue;
    const amount = cents(e.amount);
    both(e, e.occurred_at, { [e.component]: amount, net: e.component === 'revenue' ? amount : -amount });
  }
  return [...rows.values()]
    .filter((r) => r.captured || r.converted || r.revenue || r.cost || r.bonus)
    .sort(order);
}

/** The stored KPI rows equal the recomputation from scratch. */
export async function expectKpisMatchRecomputation(t: TestApp, tenantId: string): Promise<void> {
  expect(await storedKpiRows(t, tenantId)).toEqual(await expectedKpiRows(t, tenantId));
}
