import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Progress } from '../../src/cli/progress.js';
import { refreshKpi } from '../../src/modules/leads/kpi/kpi-jobs.js';
import { seedDemo } from '../../src/seed.js';
import type { TestApp } from '../harness/app.js';
import { login } from '../identity/fixtures.js';
import { client, LEADS_MODULES, leadsApp, type Headers } from './helpers.js';

const quiet: Progress = { step: () => undefined, count: () => undefined, done: () => undefined };
type Row = Record<string, unknown> & { id: string };
const day = (at: Date) => new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Tashkent' }).format(at);
const addDays = (d: string, n: number) =>
  new Date(Date.parse(`${d}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);

describe('leads demo data', () => {
  let t: TestApp;
  let admin: Headers;
  let agent: Headers;
  let agentId: string;
  const today = day(new Date());
  const range = `from=${addDays(today, -70)}&to=${today}`;
  const get = <T = Record<string, unknown>>(url: string, headers = admin) =>
    client(t).ok<T>('GET', url, headers);
  const sql = <T>(text: string) => t.database.db.withSystem(async (tx) => (await tx.sql.query<T>(text)).rows);
  const counts = () =>
    sql<Record<string, number>>(`select (select count(*) from campaigns)::int as campaigns,
      (select count(*) from attribution_sources)::int as sources, (select count(*) from leads)::int as leads,
      (select count(*) from lead_status_history)::int as history, (select count(*) from lead_interactions)::int as interactions,
      (select count(*) from conversions)::int as conversions, (select count(*) from ledger_entries)::int as entries,
      (select count(*) from import_runs)::int as imports, (select count(*) from bonus_runs)::int as runs,
      (select count(*) from bonus_rule_sets)::int as sets`);

  beforeAll(async () => {
    t = await leadsApp();
    await seedDemo(t.app.platform, LEADS_MODULES, quiet);
    admin = (await login(t, 'admin@demo.salesops.local', 'Demo1234!')).auth;
    agent = (await login(t, 'agent@demo.salesops.local', 'Demo1234!')).auth;
    agentId = (await get<{ id: string }>('/auth/me', agent)).id;
  }, 240_000);
  afterAll(() => t.close());

  it('has two campaigns, four sources and leads in every status with history and interactions', async () => {
    const { campaigns } = await get<{ campaigns: (Row & { status: string })[] }>('/campaigns');
    expect(campaigns.map((c) => c.status).sort()).toEqual(['active', 'ended']);
    const { attribution_sources } = await get<{ attribution_sources: Row[] }>('/attribution-sources');
    expect(attribution_sources).toHaveLength(4);
    for (const status of ['new', 'contacted', 'qualified', 'converted', 'rejected', 'expired']) {
      const { leads } = await get<{ leads: (Row & { phone: string })[] }>(`/leads?status=${status}&limit=5`);
      expect(leads.length, status).toBeGreaterThan(0);
      expect(leads.every((l) => /^\+99890\d{7}$/.test(l.phone))).toBe(true);
    }
    const { leads: converted } = await get<{ leads: Row[] }>('/leads?status=converted&limit=1');
    const { history } = await get<{ history: { to_status: string }[] }>(`/leads/${converted[0]!.id}/history`);
    expect(history.map((h) => h.to_status)).toEqual(['new', 'contacted', 'qualified', 'converted']);
    const { interactions } = await get<{ interactions: Row[] }>(`/leads/${converted[0]!.id}/interactions`);
    expect(interactions.length).toBeGreaterThanOrEqual(3);
    const total = (await get<{ total: number }>('/leads?include_total=true&limit=1')).total;
    expect(total).toBeGreaterThan(200);
    // The agent sees their own leads only.
    const own = await get<{ leads: { id: string; agent_id: string }[] }>('/leads?limit=500', agent);
    expect(own.leads.length).toBeGreaterThan(20);
    expect(own.leads.every((l) => l.agent_id === agentId)).toBe(true);
    // Each capture is audited as its agent, with the lead as captured.
    const audit = await get<{ audit: { actor_user_id: string; changes: { after: { status: string } } }[] }>(
      `/audit?action=lead.create&entity_id=${own.leads[0]!.id}`,
    );
    expect(audit.audit).toHaveLength(1);
    expect(audit.audit[0]!.actor_user_id).toBe(agentId);
    expect(audit.audit[0]!.changes.after.status).toBe('new');
    const audited = await get<{ total: number }>('/audit?action=lead.create&include_total=true&limit=1');
    expect(audited.total).toBe(total);
  });

  it('has follow-ups due and overdue, and flagged duplicates with one merged', async () => {
    const { leads } = await get<{ leads: { overdue: boolean; next_action_date: string }[] }>(
      '/leads/follow-ups?limit=500',
    );
    expect(leads.some((l) => l.overdue)).toBe(true);
    expect(leads.some((l) => l.next_action_date === today)).toBe(true);
    const [ahead] = await sql<{ n: number }>(
      `select count(*)::int as n from leads where next_action_date > '${today}' and status in ('new','contacted','qualified')`,
    );
    expect(ahead!.n).toBeGreaterThan(0);
    const dups = await get<{ leads: { duplicate_of: string; merged_at: string | null }[] }>(
      '/leads?duplicate=true&limit=100',
    );
    expect(dups.leads.length).toBeGreaterThanOrEqual(3);
    expect(dups.leads.filter((l) => l.merged_at)).toHaveLength(1);
    expect(dups.leads.every((l) => l.duplicate_of)).toBe(true);
  });

  it('keeps conversions and the ledger consistent, with an import run that left unmatched rows', async () => {
    const [sum] = await sql<{ amount: string; cost: string; n: number; imported: number }>(
      `select sum(amount)::text as amount, sum(cost)::text as cost, count(*)::int as n,
        count(*) filter (where origin = 'import')::int as imported from conversions`,
    );
    expect(sum!.n).toBeGreaterThan(50);
    expect(sum!.imported).toBeGreaterThan(3);
    const ledger = await get<{ totals: Record<string, string> }>('/ledger?limit=1');
    expect(Number(ledger.totals.revenue)).toBe(Number(sum!.amount));
    expect(Number(ledger.totals.cost)).toBe(Number(sum!.cost));
    expect(Number(ledger.totals.bonus)).toBeGreaterThan(0);
    const [run] = await sql<{ id: string }>("select id from import_runs where entity = 'external_sales'");
    const imported = await get<{
      counts: Record<string, number>;
      rows: { status: string; reason: string | null }[];
    }>(`/imports/${run!.id}/external-sales`);
    expect(imported.counts.created).toBe(sum!.imported);
    expect(imported.counts.unmatched).toBeGreaterThanOrEqual(4);
    const reasons = imported.rows.filter((r) => r.status === 'unmatched').map((r) => r.reason);
    expect(reasons).toContain('no_lead_with_phone');
    expect(reasons).toContain('lead_not_convertible');
  });

  it('has an approved run for last month, a completed one for this month, and campaign spend', async () => {
    const { bonus_runs } = await get<{
      bonus_runs: { status: string; total_amount: string; period_start: string }[];
    }>('/bonus-runs');
    expect(bonus_runs.map((r) => r.status).sort()).toEqual(['approved', 'completed']);
    expect(bonus_runs.every((r) => Number(r.total_amount) > 0)).toBe(true);
    const approved = bonus_runs.find((r) => r.status === 'approved')!;
    expect(approved.period_start < `${today.slice(0, 7)}-01`).toBe(true);
    const { rules } = await get<{ rules: { type: string }[] }>(
      `/bonus-rule-sets/${(await get<{ bonus_rule_sets: Row[] }>('/bonus-rule-sets')).bonus_rule_sets[0]!.id}/rules`,
    );
    expect(new Set(rules.map((r) => r.type))).toEqual(
      new Set(['tier', 'per_conversion', 'per_lead', 'per_target']),
    );
    const { campaigns } = await get<{ campaigns: { spend: string }[] }>('/campaigns');
    expect(campaigns.some((c) => Number(c.spend) > 0)).toBe(true);
  });

  it('has daily KPIs equal to a rebuild and a non-empty dashboard', async () => {
    const before = await get<{ rows: unknown[]; totals: Record<string, unknown> }>(`/kpi/agents?${range}`);
    expect(before.rows.length).toBeGreaterThan(30);
    expect(Number(before.totals.revenue)).toBeGreaterThan(0);
    const rows = () => sql('select * from kpi_agent_daily order by day, agent_id');
    const stored = await rows();
    const [tenant] = await sql<{ id: string }>("select id from tenants where slug = 'demo'");
    const days = Array.from({ length: 71 }, (_, i) => addDays(today, i - 70));
    await refreshKpi(t.app.platform.db, tenant!.id, days);
    expect(await rows()).toEqual(stored);
    const mine = await get<{ rows: { agent_id: string }[] }>(`/kpi/agents?${range}`, agent);
    expect(mine.rows.length).toBeGreaterThan(0);
    expect(mine.rows.every((r) => r.agent_id === agentId)).toBe(true);
    const dash = await get<{
      totals: Record<string, string | number>;
      funnel: unknown[];
      by_campaign: unknown[];
    }>(`/analytics/leads/dashboard?${range}`);
    expect(Number(dash.totals.leads_captured)).toBeGreaterThan(200);
    expect(Number(dash.totals.leads_converted)).toBeGreaterThan(50);
    expect(Number(dash.totals.bonus)).toBeGreaterThan(0);
    expect(dash.funnel.length).toBeGreaterThanOrEqual(6);
    expect(dash.by_campaign.length).toBeGreaterThanOrEqual(2);
  });

  it('dates nothing after the moment of seeding, and seeding again adds nothing', async () => {
    const [future] = await sql<{ n: number }>(`select
      (select count(*) from leads where captured_at > now() or received_at > now() or status_changed_at > now() or created_at > now())
      + (select count(*) from lead_status_history where changed_at > now())
      + (select count(*) from lead_interactions where occurred_at > now())
      + (select count(*) from conversions where converted_at > now() or created_at > now())
      + (select count(*) from ledger_entries where occurred_at > now()) as n`);
    expect(Number(future!.n)).toBe(0);
    const [early] = await sql<{ n: number }>(
      `select count(*)::int as n from lead_status_history h join leads l on l.id = h.lead_id
       where h.changed_at < l.captured_at and l.merged_at is null`,
    );
    expect(early!.n).toBe(0);
    const first = await counts();
    await seedDemo(t.app.platform, LEADS_MODULES, quiet);
    expect(await counts()).toEqual(first);
  });
});
