import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestApp } from '../harness/app.js';
import { identityFixture, type FixtureUser, type IdentityFixture } from '../identity/fixtures.js';
import {
  client,
  createCampaign,
  createSource,
  createTeam,
  expectStatus,
  extraUser,
  leadsApp,
  type Headers,
} from './helpers.js';
import { adjustLedger, recordSale, runQueuedKpiRefreshes } from './kpi-helpers.js';

type Dashboard = {
  totals: Record<string, unknown>;
  top_agents_by_revenue: { agent_id: string; revenue: string; leads_converted: number }[];
  top_agents_by_conversions: { agent_id: string; revenue: string; leads_converted: number }[];
  funnel: { status: string; leads: number }[];
  by_campaign: {
    campaign_id: string | null;
    leads_captured: number;
    leads_converted: number;
    revenue: string;
  }[];
  by_source: { source_id: string | null; leads_captured: number; leads_converted: number; revenue: string }[];
  time_to_convert: { conversions: number; average_seconds: number | null; median_seconds: number | null };
};

let phoneSeq = 5_000_000;
const phone = () => `90${String(phoneSeq++).padStart(7, '0')}`;
const at = (iso: string) => new Date(iso);
const RANGE = 'from=2025-05-01&to=2025-05-31';

describe('leads dashboard', () => {
  let t: TestApp;
  let fx: IdentityFixture;
  let admin: Headers;
  let agent: FixtureUser;
  let peer: FixtureUser;
  let api: ReturnType<typeof client>;
  let spring: string;
  let autumn: string;
  let walkIn: string;

  const capture = async (who: Headers, capturedAt: string, body: object = {}) =>
    (
      await api.ok<{ id: string }>(
        'POST',
        '/leads',
        who,
        { customer_name: 'Aziza', phone: phone(), captured_at: capturedAt, ...body },
        201,
      )
    ).id;
  const dashboard = (who: Headers, query = '') =>
    api.ok<Dashboard>('GET', `/analytics/leads/dashboard?${RANGE}${query}`, who);

  beforeAll(async () => {
    t = await leadsApp();
    fx = await identityFixture(t, 'dash');
    admin = fx.users.admin.auth;
    agent = fx.users.agent;
    api = client(t);
    await api.ok('PUT', `/tenants/${fx.tenantId}`, admin, {
      settings: { default_phone_region: 'UZ', lead_repeat_sales: true },
    });
    peer = await extraUser(t, fx, 'agent');
    await createTeam(t, fx, fx.users.team_leader.id, [agent.id]);
    spring = await createCampaign(t, admin);
    autumn = await createCampaign(t, admin);
    walkIn = await createSource(t, admin);
    // Agent: three spring leads (walk-in), two converted after 1 h and 3 h (one sold twice).
    const a1 = await capture(agent.auth, '2025-05-02T08:00:00Z', { campaign_id: spring, source_id: walkIn });
    const a2 = await capture(agent.auth, '2025-05-02T09:00:00Z', { campaign_id: spring, source_id: walkIn });
    await capture(agent.auth, '2025-05-03T09:00:00Z', { campaign_id: spring, source_id: walkIn });
    await recordSale(t, agent.auth, {
      leadId: a1,
      amount: '100.00',
      cost: '10.00',
      convertedAt: at('2025-05-02T09:00:00Z'),
    });
    await recordSale(t, agent.auth, {
      leadId: a1,
      amount: '40.00',
      convertedAt: at('2025-05-04T09:00:00Z'),
    });
    await recordSale(t, agent.auth, {
      leadId: a2,
      amount: '60.00',
      cost: '5.00',
      convertedAt: at('2025-05-02T12:00:00Z'),
    });
    // Peer: two autumn leads without a source, one converted after 8 h for 500; a bonus adjustment.
    const p1 = await capture(peer.auth, '2025-05-10T06:00:00Z', { campaign_id: autumn });
    await capture(peer.auth, '2025-05-11T06:00:00Z', { campaign_id: autumn });
    await recordSale(t, peer.auth, {
      leadId: p1,
      amount: '500.00',
      cost: '100.00',
      convertedAt: at('2025-05-10T14:00:00Z'),
    });
    await adjustLedger(t, admin, {
      agentId: peer.id,
      component: 'bonus',
      amount: '25.00',
      occurredAt: at('2025-05-12T10:00:00Z'),
    });
    // Outside the range: not counted.
    await capture(peer.auth, '2025-06-01T06:00:00Z', { campaign_id: autumn });
    await runQueuedKpiRefreshes(t);
  });
  afterAll(() => t.close());

  it('totals, rankings, funnel, breakdowns and time to convert for the tenant', async () => {
    const d = await dashboard(admin);
    expect(d.totals).toEqual({
      leads_captured: 5,
      leads_converted: 3,
      conversion_rate: 60,
      revenue: '700.00',
      cost: '115.00',
      bonus: '25.00',
      net_profit: '560.00',
      // (1 h + 3 h + 8 h) ÷ 3
      avg_time_to_convert_seconds: 14400,
    });
    expect(d.top_agents_by_revenue.map((r) => [r.agent_id, r.revenue])).toEqual([
      [peer.id, '500.00'],
      [agent.id, '200.00'],
    ]);
    expect(d.top_agents_by_conversions.map((r) => [r.agent_id, r.leads_converted])).toEqual([
      [agent.id, 2],
      [peer.id, 1],
    ]);
    // Each sale converted its lead: a1, a2 and p1.
    expect(d.funnel).toEqual([
      { status: 'converted', leads: 3 },
      { status: 'new', leads: 2 },
    ]);
    expect(d.by_campaign).toEqual([
      { campaign_id: autumn, leads_captured: 2, leads_converted: 1, conversion_rate: 50, revenue: '500.00' },
      {
        campaign_id: spring,
        leads_captured: 3,
        leads_converted: 2,
        conversion_rate: 66.67,
        revenue: '200.00',
      },
    ]);
    expect(d.by_source).toEqual([
      { source_id: null, leads_captured: 2, leads_converted: 1, conversion_rate: 50, revenue: '500.00' },
      { source_id: walkIn, leads_captured: 3, leads_converted: 2, conversion_rate: 66.67, revenue: '200.00' },
    ]);
    expect(d.time_to_convert).toEqual({ conversions: 3, average_seconds: 14400, median_seconds: 10800 });
  });

  it('filters by campaign, source and agent (recomputed from the raw rows)', async () => {
    const s = await dashboard(admin, `&campaign=${spring}`);
    expect(s.totals).toMatchObject({
      leads_captured: 3,
      leads_converted: 2,
      revenue: '200.00',
      cost: '15.00',
      bonus: '0.00',
    });
    expect(s.by_campaign.map((r) => r.campaign_id)).toEqual([spring]);
    const src = await dashboard(admin, `&source=${walkIn}`);
    expect(src.totals).toMatchObject({ leads_captured: 3, leads_converted: 2, revenue: '200.00' });
    expect(src.time_to_convert).toEqual({ conversions: 2, average_seconds: 7200, median_seconds: 7200 });
    const p = await dashboard(admin, `&agent=${peer.id}`);
    expect(p.totals).toMatchObject({
      leads_captured: 2,
      revenue: '500.00',
      bonus: '25.00',
      net_profit: '375.00',
    });
    expect(p.funnel).toEqual([
      { status: 'converted', leads: 1 },
      { status: 'new', leads: 1 },
    ]);
  });

  it('shows a scoped user only their scope', async () => {
    const mine = await dashboard(agent.auth);
    expect(mine.totals).toMatchObject({ leads_captured: 3, leads_converted: 2, revenue: '200.00' });
    expect(mine.top_agents_by_revenue.map((r) => r.agent_id)).toEqual([agent.id]);
    expect(mine.by_campaign.map((r) => r.campaign_id)).toEqual([spring]);
    expect((await dashboard(fx.users.team_leader.auth)).totals).toMatchObject({ leads_captured: 3 });
    expect((await dashboard(fx.users.viewer.auth)).totals).toMatchObject({ leads_captured: 5 });
    // Naming a peer outside the scope shows nothing of theirs.
    const peerOnly = await dashboard(agent.auth, `&agent=${peer.id}`);
    expect(peerOnly.totals).toMatchObject({ leads_captured: 0, revenue: '0.00' });
    expect(peerOnly.funnel).toEqual([]);
  });

  it('validates the range and filters (422) and needs a signed-in user', async () => {
    expectStatus(await api.call('GET', '/analytics/leads/dashboard?from=2025-05-01', admin), 422);
    const res = await api.call('GET', '/analytics/leads/dashboard?from=2024-01-01&to=2025-05-01', admin);
    expect(expectStatus(res, 422).json<{ errors: { path: string }[] }>().errors[0]!.path).toBe('/query/to');
    expectStatus(await api.call('GET', `/analytics/leads/dashboard?${RANGE}&campaign=nope`, admin), 422);
    expectStatus(await api.call('GET', `/analytics/leads/dashboard?${RANGE}&status=new`, admin), 422);
    expectStatus(await api.call('GET', `/analytics/leads/dashboard?${RANGE}`), 401);
  });

  it('keeps tenants apart', async () => {
    const rival = await identityFixture(t, 'dash-rival');
    const d = await api.ok<Dashboard>(
      'GET',
      `/analytics/leads/dashboard?${RANGE}&campaign=${spring}`,
      rival.users.admin.auth,
    );
    expect(d.totals).toMatchObject({ leads_captured: 0, leads_converted: 0, revenue: '0.00' });
    expect(d.funnel).toEqual([]);
    expect(d.by_campaign).toEqual([]);
    expect(
      (await api.ok<Dashboard>('GET', `/analytics/leads/dashboard?${RANGE}`, rival.users.admin.auth))
        .top_agents_by_revenue,
    ).toEqual([]);
  });
});
