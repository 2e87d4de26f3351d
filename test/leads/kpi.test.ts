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
  storedKpiRows,
} from './kpi-helpers.js';
import { refreshKpi } from '../../src/modules/leads/kpi/kpi-jobs.js';
import { rebuildRecentKpis } from '../../src/modules/leads/kpi/kpi-jobs.js';

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
      settings: { default_phone_region: 'UZ', time_zone: 'Asia/Tashkent' },
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
    await recordSale(t, fx.tenantId, {
      leadId: a1,
      amount: '100.00',
      cost: '30.00',
      convertedAt: at('2025-03-03T09:00:00Z'),
    });
    // A repeat sale of the same lead adds revenue, not a conversion.
    await recordSale(t, fx.tenantId, {
      leadId: a1,
      amount: '50.00',
      cost: '0',
      convertedAt: at('2025-03-03T11:00:00Z'),
    });
    await recordSale(t, fx.tenantId, {
      leadId: a2,
      amount: '200.00',
      cost: '20.00',
      convertedAt: at('2025-03-03T13:00:00Z'),
    });
    await adjustLedger(t, fx.tenantId, {
      agentId: agent.id,
      component: 'bonus',
      amount: '15.50',
      occurredAt: at('2025-03-03T12:00:00Z'),
    });
    await adjustLedger(t, fx.tenantId, {
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
});
