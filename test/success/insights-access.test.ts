import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestApp } from '../harness/app.js';
import { FIXTURE_ROLES } from '../identity/fixtures.js';
import { client, createTeam, expectStatus, extraUser, type Headers } from './helpers.js';
import { insightsApp, monthDay } from './insights-fixtures.js';
import { buildWorld, type World } from './insights-world.js';

const ENDPOINTS = [
  '/dashboard/stats',
  '/dashboard/health-distribution',
  '/dashboard/health-trends',
  '/dashboard/csat-trends',
  '/dashboard/customer-segments',
  '/dashboard/upcoming-renewals',
  '/dashboard/recent-activity',
  '/dashboard/product-performance',
  '/dashboard/account-manager-performance',
];

/** Data scope, permissions, tenant isolation and parameter validation of the dashboard. */
describe('success dashboard: scope, permissions, isolation, validation', () => {
  let t: TestApp;
  let w: World;
  let agent: Headers;
  const api = () => client(t);
  const get = <T = Record<string, unknown>>(path: string, auth: Headers) => api().ok<T>('GET', path, auth);

  beforeAll(async () => {
    t = await insightsApp();
    w = await buildWorld(t);
    agent = w.fx.users.agent.auth;
    await createTeam(t, w.fx, w.fx.users.team_leader.id, [w.fx.users.agent.id]);
  }, 120_000);
  afterAll(() => t?.close());

  it('an account manager (agent) counts only their own customers (C1, C2) in every figure', async () => {
    const stats = await get<Record<string, unknown>>('/dashboard/stats', agent);
    expect(stats).toMatchObject({
      customers: { total: 2, by_status: { onboarding: 0, active: 1, at_risk: 1, churned: 0 } },
      health: { scored: 2, average: 65, at_risk: 1 },
      alerts: { open: 2, by_severity: { low: 0, medium: 0, high: 1, critical: 1 } },
      // CSAT 5 and 2; NPS 10 and 9.
      csat: { csat_responses: 2, average_csat: 3.5, nps_responses: 2, promoters: 2, nps: 100 },
      renewals: { customers: 2 },
      interactions: { count: 2 },
      deployments: { active: 3 },
    });
    const distribution = await get<{ scored: number; unscored: number; by_risk: object }>(
      '/dashboard/health-distribution',
      agent,
    );
    expect(distribution).toMatchObject({
      scored: 2,
      unscored: 0,
      by_risk: { low: 1, medium: 0, high: 1, critical: 0 },
    });
    const segments = await get<{ by_industry: { key: string; customers: number }[] }>(
      '/dashboard/customer-segments',
      agent,
    );
    expect(segments.by_industry.map((s) => [s.key, s.customers])).toEqual([['Retail', 2]]);
    const renewals = await get<{ renewals: { name: string }[] }>('/dashboard/upcoming-renewals', agent);
    expect(renewals.renewals.map((r) => r.name)).toEqual(['C1 Alpha', 'C2 Beta']);
    const feed = await get<{ activity: { kind: string; customer_name: string }[] }>(
      '/dashboard/recent-activity?limit=100',
      agent,
    );
    expect(new Set(feed.activity.map((a) => a.customer_name))).toEqual(new Set(['C1 Alpha', 'C2 Beta']));
    const products = await get<{
      products: { product_name: string; customers: number; open_alerts: number }[];
    }>('/dashboard/product-performance', agent);
    expect(products.products.map((p) => [p.product_name, p.customers, p.open_alerts])).toEqual([
      ['MonetX', 2, 2],
      ['SupportX', 1, 1],
    ]);
    const managers = await get<{ account_managers: { user_id: string }[] }>(
      '/dashboard/account-manager-performance',
      agent,
    );
    expect(managers.account_managers.map((m) => m.user_id)).toEqual([w.fx.users.agent.id]);
    const trends = await get<{ periods: { customers: number; average: number | null }[] }>(
      '/dashboard/health-trends?periods=3',
      agent,
    );
    // Each month's last snapshot day: C1 60 and C2 50; C1 75 and C2 50; C1 85 and C2 45.
    expect(trends.periods.map((p) => [p.customers, p.average])).toEqual([
      [2, 55],
      [2, 62.5],
      [2, 65],
    ]);
  });

  it('another account manager sees their own customers; a team leader their team’s; tenant-wide roles every one', async () => {
    const total = async (auth: Headers) =>
      (await get<{ customers: { total: number } }>('/dashboard/stats', auth)).customers.total;
    expect(await total(w.zed.auth)).toBe(2);
    expect(await total(w.fx.users.team_leader.auth)).toBe(2);
    // An org-unit scope without an org unit or a team covers nobody's customers.
    expect(await total(w.fx.users.area_manager.auth)).toBe(0);
    for (const role of ['admin', 'national_manager', 'viewer'] as const)
      expect(await total(w.fx.users[role].auth)).toBe(5);
    const zedNames = await get<{ renewals: unknown[]; total: number }>(
      '/dashboard/upcoming-renewals?days=200',
      w.zed.auth,
    );
    // C3 (d+120); C4 is churned.
    expect(zedNames.total).toBe(1);
  });

  it('every built-in role reads the dashboard; a custom role without success_dashboard:read gets 403 everywhere', async () => {
    for (const role of FIXTURE_ROLES)
      expectStatus(await api().call('GET', '/dashboard/stats', w.fx.users[role].auth), 200);
    await api().ok(
      'POST',
      '/roles',
      w.fx.users.admin.auth,
      { key: 'csat_clerk', name: 'CSAT clerk', level: 10, permissions: ['customers:read', 'csat:read'] },
      201,
    );
    const clerk = await extraUser(t, w.fx, 'csat_clerk');
    for (const path of ENDPOINTS) expectStatus(await api().call('GET', path, clerk.auth), 403, 'FORBIDDEN');
    expectStatus(await api().call('GET', '/dashboard/stats'), 401);
  });

  it('tenant B’s rows never count in A, and B sees only its own', async () => {
    const b = w.b.users.admin.auth;
    expect(await get('/dashboard/stats', b)).toMatchObject({
      customers: { total: 1, by_status: { onboarding: 0, active: 1, at_risk: 0, churned: 0 } },
      health: { scored: 1, average: 20, at_risk: 1 },
      alerts: { open: 1, by_severity: { low: 0, medium: 0, high: 0, critical: 1 } },
      csat: { csat_responses: 1, average_csat: 1, nps_responses: 1, detractors: 1, nps: -100 },
      renewals: { customers: 1, contract_value: [{ currency: 'UZS', amount: '7.00' }] },
      interactions: { count: 1 },
      deployments: { active: 1 },
    });
    const feed = await get<{ activity: { customer_name: string }[] }>(
      '/dashboard/recent-activity?limit=100',
      b,
    );
    expect(new Set(feed.activity.map((a) => a.customer_name))).toEqual(new Set(['B One']));
    const products = await get<{ products: { product_name: string; customers: number }[] }>(
      '/dashboard/product-performance',
      b,
    );
    expect(products.products).toEqual([expect.objectContaining({ product_name: 'MonetX', customers: 1 })]);
    // A's figures are those of insights-dashboard.test.ts: none of B's rows are in them.
    const a = await get<{ customers: { total: number }; alerts: { open: number } }>(
      '/dashboard/stats',
      w.fx.users.admin.auth,
    );
    expect([a.customers.total, a.alerts.open]).toEqual([5, 3]);
    const aMonths = await get<{ periods: { period: string; customers: number }[] }>(
      '/dashboard/health-trends?periods=1',
      w.fx.users.admin.auth,
    );
    expect(aMonths.periods).toEqual([expect.objectContaining({ period: monthDay(0, 1), customers: 3 })]);
  });

  it('refuses bad parameters with 422 naming the parameter', async () => {
    const admin = w.fx.users.admin.auth;
    const cases: [string, string][] = [
      ['/dashboard/upcoming-renewals?days=0', '/query/days'],
      ['/dashboard/upcoming-renewals?days=731', '/query/days'],
      ['/dashboard/upcoming-renewals?days=soon', '/query/days'],
      ['/dashboard/upcoming-renewals?limit=0', '/query/limit'],
      ['/dashboard/upcoming-renewals?offset=-1', '/query/offset'],
      ['/dashboard/health-trends?interval=day', '/query/interval'],
      ['/dashboard/health-trends?periods=0', '/query/periods'],
      ['/dashboard/health-trends?interval=week&periods=53', '/query/periods'],
      ['/dashboard/health-trends?interval=month&periods=25', '/query/periods'],
      ['/dashboard/csat-trends?months=0', '/query/months'],
      ['/dashboard/csat-trends?months=37', '/query/months'],
      ['/dashboard/customer-segments?value_bands=abc', '/query/value_bands'],
      ['/dashboard/customer-segments?value_bands=50000,10000', '/query/value_bands'],
      ['/dashboard/customer-segments?value_bands=0,10', '/query/value_bands'],
      ['/dashboard/recent-activity?limit=101', '/query/limit'],
      ['/dashboard/recent-activity?since=yesterday', '/query/since'],
    ];
    for (const [path, pointer] of cases) {
      const res = expectStatus(await api().call('GET', path, admin), 422, 'VALIDATION_FAILED');
      const errors = res.json<{ errors: { path: string }[] }>().errors;
      expect(
        errors.map((e) => e.path),
        path,
      ).toContain(pointer);
    }
    // The largest allowed values are fine.
    for (const path of [
      '/dashboard/health-trends?interval=week&periods=52',
      '/dashboard/health-trends?interval=month&periods=24',
      '/dashboard/csat-trends?months=36',
      '/dashboard/upcoming-renewals?days=730&limit=500',
    ])
      expectStatus(await api().call('GET', path, admin), 200);
  });
});
