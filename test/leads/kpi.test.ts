import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestApp } from '../harness/app.js';
import { identityFixture, type FixtureUser, type IdentityFixture } from '../identity/fixtures.js';
import {
  client,
  createCampaign,
  createOutlet,
  createTeam,
  expectStatus,
  extraUser,
  leadsApp,
  type Headers,
} from './helpers.js';
import {
  adjustLedger,
  expectKpisMatchRecomputation,
  recordSale,
  runQueuedKpiRefreshes,
  runQueuedRebuilds,
  storedKpiRows,
} from './kpi-helpers.js';
import { rebuildRecentKpis, refreshKpi } from '../../src/modules/leads/kpi/kpi-jobs.js';

type Measures = {
  leads_captured: number;
  leads_converted: number;
  conversion_rate: number;
  revenue: string;
  cost: string;
  bonus: string;
  net_profit: string;
  avg_time_to_convert_seconds: number | null;
};
type Report = {
  rows: (Measures & { period: string; agent_id?: string; outlet_id?: string })[];
  totals: Measures;
};

let phoneSeq = 3_000_000;
const phone = () => `90${String(phoneSeq++).padStart(7, '0')}`;
const at = (iso: string) => new Date(iso);

describe('daily lead KPIs', () => {
  let t: TestApp;
  let fx: IdentityFixture;
  let admin: Headers;
  let agent: FixtureUser;
  let peer: FixtureUser;
  let api: ReturnType<typeof client>;
  let shop: string;
  let campaign: string;

  const capture = async (who: Headers, capturedAt: string, body: object = {}) =>
    (
      await api.ok<{ id: string }>(
        'POST',
        '/leads',
        who,
        { customer_name: 'Aziza', phone: phone(), captured_at: capturedAt, campaign_id: campaign, ...body },
        201,
      )
    ).id;
  const agents = (who: Headers, query: string) => api.ok<Report>('GET', `/kpi/agents?${query}`, who);

  beforeAll(async () => {
    t = await leadsApp();
    fx = await identityFixture(t, 'kpi');
    admin = fx.users.admin.auth;
    agent = fx.users.agent;
    api = client(t);
    // Tashkent is UTC+5: 20:00 UTC is already the next local day.
    await api.ok('PUT', `/tenants/${fx.tenantId}`, admin, {
      settings: { default_phone_region: 'UZ', time_zone: 'Asia/Tashkent', lead_repeat_sales: true },
    });
    peer = await extraUser(t, fx, 'agent');
    await createTeam(t, fx, fx.users.team_leader.id, [agent.id]);
    shop = await createOutlet(t, admin);
    campaign = await createCampaign(t, admin);
  });
  afterAll(() => t.close());

  it('counts captures, first conversions, ledger amounts and time to convert per local day', async () => {
    const a1 = await capture(agent.auth, '2025-03-03T08:00:00Z', { outlet_id: shop });
    const a2 = await capture(agent.auth, '2025-03-03T10:00:00Z', { outlet_id: shop });
    await capture(agent.auth, '2025-03-03T20:00:00Z'); // 01:00 on the 4th in Tashkent
    await capture(peer.auth, '2025-03-04T09:00:00Z', { outlet_id: shop });
    await recordSale(t, agent.auth, {
      leadId: a1,
      amount: '100.00',
      cost: '30.00',
      convertedAt: at('2025-03-03T09:00:00Z'),
    });
    // A repeat sale of the same lead adds revenue, not a conversion.
    await recordSale(t, agent.auth, {
      leadId: a1,
      amount: '50.00',
      cost: '0',
      convertedAt: at('2025-03-03T11:00:00Z'),
    });
    await recordSale(t, agent.auth, {
      leadId: a2,
      amount: '200.00',
      cost: '20.00',
      convertedAt: at('2025-03-03T13:00:00Z'),
    });
    await adjustLedger(t, admin, {
      agentId: agent.id,
      component: 'bonus',
      amount: '15.50',
      occurredAt: at('2025-03-03T12:00:00Z'),
    });
    await adjustLedger(t, admin, {
      agentId: agent.id,
      component: 'payout',
      amount: '99.00',
      occurredAt: at('2025-03-03T12:00:00Z'),
    });
    expect(await runQueuedKpiRefreshes(t)).toBeGreaterThan(0);

    const report = await agents(admin, 'from=2025-03-03&to=2025-03-04');
    const row = (period: string, id: string) =>
      report.rows.find((r) => r.period === period && r.agent_id === id);
    // Lead 1 converted after 1 h, lead 2 after 3 h: average 2 h.
    expect(row('2025-03-03', agent.id)).toEqual({
      period: '2025-03-03',
      agent_id: agent.id,
      leads_captured: 2,
      leads_converted: 2,
      conversion_rate: 100,
      revenue: '350.00',
      cost: '50.00',
      bonus: '15.50',
      net_profit: '284.50',
      avg_time_to_convert_seconds: 7200,
    });
    expect(row('2025-03-04', agent.id)).toMatchObject({
      leads_captured: 1,
      leads_converted: 0,
      conversion_rate: 0,
    });
    expect(row('2025-03-04', peer.id)).toMatchObject({ leads_captured: 1, revenue: '0.00' });
    expect(report.totals).toEqual({
      leads_captured: 4,
      leads_converted: 2,
      conversion_rate: 50,
      revenue: '350.00',
      cost: '50.00',
      bonus: '15.50',
      net_profit: '284.50',
      avg_time_to_convert_seconds: 7200,
    });
    const outlets = await api.ok<Report>('GET', '/kpi/outlets?from=2025-03-03&to=2025-03-04', admin);
    // The bonus adjustment named no outlet: the outlet's row has revenue and cost only.
    expect(
      outlets.rows.map((r) => [r.period, r.outlet_id, r.leads_captured, r.leads_converted, r.net_profit]),
    ).toEqual([
      ['2025-03-03', shop, 2, 2, '300.00'],
      ['2025-03-04', shop, 1, 0, '0.00'],
    ]);
    await expectKpisMatchRecomputation(t, fx.tenantId);
  });

  it('groups by ISO week (Monday) and month, rates and averages from the sums', async () => {
    // 2025-03-03 is a Monday; 2025-03-09 a Sunday of the same week; 2025-03-10 the next week.
    const sunday = await capture(agent.auth, '2025-03-09T06:00:00Z');
    await capture(agent.auth, '2025-03-10T06:00:00Z');
    await recordSale(t, agent.auth, {
      leadId: sunday,
      amount: '10.00',
      convertedAt: at('2025-03-09T10:00:00Z'),
    });
    await runQueuedKpiRefreshes(t);
    const weeks = await agents(admin, `from=2025-03-01&to=2025-03-31&group_by=week&agent=${agent.id}`);
    // Week of 3 March: 3 + 1 captured, 2 + 1 converted; seconds 3600 + 10800 + 14400 over 3.
    expect(
      weeks.rows.map((r) => [
        r.period,
        r.leads_captured,
        r.leads_converted,
        r.conversion_rate,
        r.revenue,
        r.avg_time_to_convert_seconds,
      ]),
    ).toEqual([
      ['2025-03-03', 4, 3, 75, '360.00', 9600],
      ['2025-03-10', 1, 0, 0, '0.00', null],
    ]);
    const months = await agents(admin, `from=2025-03-01&to=2025-03-31&group_by=month&agent=${agent.id}`);
    expect(months.rows.map((r) => [r.period, r.leads_captured, r.leads_converted])).toEqual([
      ['2025-03-01', 5, 3],
    ]);
    expect(months.totals).toMatchObject({ leads_captured: 5, leads_converted: 3, conversion_rate: 60 });
    // A team filter keeps its members only; an org unit nobody is in keeps nobody.
    const team = await agents(
      admin,
      `from=2025-03-01&to=2025-03-31&group_by=month&team=${await teamOf(agent.id)}`,
    );
    expect(new Set(team.rows.map((r) => r.agent_id))).toEqual(new Set([agent.id]));
    await expectKpisMatchRecomputation(t, fx.tenantId);
  });

  it('status changes and merges refresh the capture day; a merged lead is no longer counted', async () => {
    const master = await capture(peer.auth, '2025-04-01T06:00:00Z', { phone: '901111111' });
    const dup = await api.ok<{ id: string; is_duplicate: boolean }>(
      'POST',
      '/leads',
      peer.auth,
      {
        customer_name: 'Again',
        phone: '901111111',
        captured_at: '2025-04-01T07:00:00Z',
        campaign_id: campaign,
      },
      201,
    );
    expect(dup.is_duplicate).toBe(true);
    await runQueuedKpiRefreshes(t);
    const day = () => agents(admin, `from=2025-04-01&to=2025-04-01&agent=${peer.id}`);
    expect((await day()).totals.leads_captured).toBe(2);
    await api.ok('POST', `/leads/${master}/status`, admin, { status: 'contacted' });
    await api.ok('POST', `/leads/${dup.id}/merge`, admin, {});
    expect(await runQueuedKpiRefreshes(t)).toBe(2);
    expect((await day()).totals.leads_captured).toBe(1);
    await expectKpisMatchRecomputation(t, fx.tenantId);
  });

  it('a refresh is idempotent and a rebuild of the range equals the incremental result', async () => {
    const before = await storedKpiRows(t, fx.tenantId);
    expect(before.length).toBeGreaterThan(0);
    await refreshKpi(t.app.platform.db, fx.tenantId, ['2025-03-03', '2025-03-04', '2025-03-09']);
    await refreshKpi(t.app.platform.db, fx.tenantId, ['2025-03-03', '2025-03-04', '2025-03-09']);
    expect(await storedKpiRows(t, fx.tenantId)).toEqual(before);
    // Wipe, then rebuild through the API: the same rows come back.
    await t.database.db.query('delete from kpi_agent_daily where tenant_id = $1', [fx.tenantId]);
    await t.database.db.query('delete from kpi_outlet_daily where tenant_id = $1', [fx.tenantId]);
    const run = expectStatus(
      await api.call('POST', '/kpi/rebuild', admin, { from: '2025-02-20', to: '2025-04-30' }),
      202,
    ).json<{ id: string; status: string }>();
    expect(run.status).toBe('queued');
    expect(await runQueuedRebuilds(t)).toBe(1);
    expect(await storedKpiRows(t, fx.tenantId)).toEqual(before);
    expect((await api.ok<{ status: string }>('GET', `/kpi/rebuild/${run.id}`, admin)).status).toBe(
      'succeeded',
    );
    // Two refreshes of the same days at once serialise on the day locks and agree.
    await Promise.all([
      refreshKpi(t.app.platform.db, fx.tenantId, ['2025-03-03', '2025-03-04']),
      refreshKpi(t.app.platform.db, fx.tenantId, ['2025-03-04', '2025-03-03']),
    ]);
    expect(await storedKpiRows(t, fx.tenantId)).toEqual(before);
  });

  it('the nightly job rebuilds the last 7 local days of every tenant', async () => {
    const today = new Date();
    const lead = await capture(agent.auth, today.toISOString());
    await recordSale(t, agent.auth, { leadId: lead, amount: '5.00', convertedAt: today });
    await t.database.db.query('delete from pgboss.job where name = $1', ['leads.kpi-refresh']);
    await rebuildRecentKpis(t.app.platform);
    await expectKpisMatchRecomputation(t, fx.tenantId);
    // Declared as a scheduled job: the scheduler runs it by name and records the run.
    const recent = 'tenant_id = $1 and day >= current_date - 3';
    await t.database.db.query(`delete from kpi_agent_daily where ${recent}`, [fx.tenantId]);
    const run = await t.app.platform.scheduler.runNow('leads.kpi-nightly');
    expect(run).toMatchObject({ job_name: 'leads.kpi-nightly', status: 'succeeded' });
    const { rows } = await t.database.db.query(`select 1 from kpi_agent_daily where ${recent}`, [
      fx.tenantId,
    ]);
    expect(rows).toHaveLength(1);
    await expectKpisMatchRecomputation(t, fx.tenantId);
  });

  it('a batch queues the refresh of each captured lead’s day in its own transaction', async () => {
    const res = await api.ok<{ created: number; failed: number }>('POST', '/leads/batch', agent.auth, {
      leads: [
        { customer_name: 'B1', phone: phone(), captured_at: '2025-08-01T06:00:00Z' },
        { customer_name: 'B2', phone: 'not a phone', captured_at: '2025-08-02T06:00:00Z' },
        { customer_name: 'B3', phone: phone(), captured_at: '2025-08-03T06:00:00Z' },
      ],
    });
    expect(res).toMatchObject({ created: 2, failed: 1 });
    // The failed item's transaction rolled back: it queued nothing.
    expect(await runQueuedKpiRefreshes(t)).toBe(2);
    const report = await agents(admin, `from=2025-08-01&to=2025-08-03&agent=${agent.id}`);
    expect(report.rows.map((r) => [r.period, r.leads_captured])).toEqual([
      ['2025-08-01', 1],
      ['2025-08-03', 1],
    ]);
  });

  it('validates ranges and filters (422), refuses missing permissions and narrow outlet scopes (403)', async () => {
    expectStatus(await api.call('GET', '/kpi/agents?from=2025-01-02&to=2025-01-01', admin), 422);
    const long = await api.call('GET', '/kpi/agents?from=2024-01-01&to=2025-02-05', admin);
    expectStatus(long, 422);
    expect(long.json<{ errors: { path: string }[] }>().errors[0]!.path).toBe('/query/to');
    expectStatus(await api.call('GET', '/kpi/agents?to=2025-01-01', admin), 422);
    expectStatus(
      await api.call('GET', '/kpi/agents?from=2025-01-01&to=2025-01-02&group_by=year', admin),
      422,
    );
    expectStatus(await api.call('GET', '/kpi/outlets?from=2025-01-01&to=2025-01-02&agent=x', admin), 422);
    const badRebuild = await api.call('POST', '/kpi/rebuild', admin, {
      from: '2024-01-01',
      to: '2025-03-01',
    });
    expect(expectStatus(badRebuild, 422).json<{ errors: { path: string }[] }>().errors[0]!.path).toBe(
      '/body/to',
    );
    expectStatus(await api.call('POST', '/kpi/rebuild', admin, { from: '2025-01-01' }), 422);
    for (const role of ['agent', 'team_leader', 'national_manager', 'viewer'] as const)
      expectStatus(
        await api.call('POST', '/kpi/rebuild', fx.users[role].auth, { from: '2025-01-01', to: '2025-01-02' }),
        403,
      );
    expectStatus(
      await api.call('GET', '/kpi/outlets?from=2025-03-01&to=2025-03-31', agent.auth),
      403,
      'KPI_SCOPE_TOO_NARROW',
    );
    expectStatus(
      await api.call('GET', '/kpi/outlets?from=2025-03-01&to=2025-03-31', fx.users.team_leader.auth),
      403,
      'KPI_SCOPE_TOO_NARROW',
    );
    expectStatus(
      await api.call('GET', '/kpi/outlets?from=2025-03-01&to=2025-03-31', fx.users.viewer.auth),
      200,
    );
    expectStatus(await api.call('GET', '/kpi/agents?from=2025-03-01&to=2025-03-31'), 401);
  });

  it('limits agent KPIs to the data scope', async () => {
    const range = 'from=2025-03-01&to=2025-04-30&group_by=month';
    const ids = async (who: Headers) => new Set((await agents(who, range)).rows.map((r) => r.agent_id));
    expect(await ids(agent.auth)).toEqual(new Set([agent.id]));
    expect(await ids(peer.auth)).toEqual(new Set([peer.id]));
    // The team leader leads the agent's team, not the peer.
    expect(await ids(fx.users.team_leader.auth)).toEqual(new Set([agent.id]));
    expect(await ids(fx.users.viewer.auth)).toEqual(new Set([agent.id, peer.id]));
    // Asking for a peer outside the scope shows nothing, not the peer.
    const other = await agents(agent.auth, `${range}&agent=${peer.id}`);
    expect(other.rows).toEqual([]);
    expect(other.totals).toMatchObject({
      leads_captured: 0,
      revenue: '0.00',
      avg_time_to_convert_seconds: null,
    });
  });

  it('keeps tenants apart', async () => {
    const rival = await identityFixture(t, 'kpi-rival');
    const rivalAdmin = rival.users.admin.auth;
    const report = await agents(rivalAdmin, 'from=2025-03-01&to=2025-04-30');
    expect(report.rows).toEqual([]);
    expect((await agents(rivalAdmin, `from=2025-03-01&to=2025-04-30&agent=${agent.id}`)).rows).toEqual([]);
    const outlets = await api.ok<Report>(
      'GET',
      `/kpi/outlets?from=2025-03-01&to=2025-04-30&outlet=${shop}`,
      rivalAdmin,
    );
    expect(outlets.rows).toEqual([]);
    // A rebuild in the rival tenant leaves this tenant's rows alone.
    const before = await storedKpiRows(t, fx.tenantId);
    expectStatus(
      await api.call('POST', '/kpi/rebuild', rivalAdmin, { from: '2025-03-01', to: '2025-04-30' }),
      202,
    );
    await runQueuedRebuilds(t);
    expect(await storedKpiRows(t, fx.tenantId)).toEqual(before);
    expect(await storedKpiRows(t, rival.tenantId)).toEqual([]);
  });

  async function teamOf(userId: string): Promise<string> {
    const { rows } = await t.database.db.query<{ team_id: string }>(
      'select team_id from team_members where tenant_id = $1 and user_id = $2',
      [fx.tenantId, userId],
    );
    return rows[0]!.team_id;
  }
});
