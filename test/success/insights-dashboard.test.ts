import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestApp } from '../harness/app.js';
import { client, expectStatus, type Headers } from './helpers.js';
import { addDays, insightsApp, TZ } from './insights-fixtures.js';
import { buildWorld, type World } from './insights-world.js';

/** Stats, distribution, segments and renewals over the world of insights-world.ts, tenant-wide. */
describe('success dashboard: figures', () => {
  let t: TestApp;
  let w: World;
  let admin: Headers;
  const get = <T = Record<string, unknown>>(path: string, auth = admin) => client(t).ok<T>('GET', path, auth);

  beforeAll(async () => {
    t = await insightsApp();
    w = await buildWorld(t);
    admin = w.fx.users.admin.auth;
  }, 120_000);
  afterAll(() => t?.close());

  it('stats: customers by status, health of the served ones, open alerts, CSAT/NPS of 90 days, renewals, interactions, deployments', async () => {
    expect(await get('/dashboard/stats')).toEqual({
      as_of: w.today,
      time_zone: TZ,
      // C1–C5; C4 is churned.
      customers: { total: 5, by_status: { onboarding: 1, active: 2, at_risk: 1, churned: 1 } },
      // Served and scored: 85, 45, 30 (C4 is churned, C5 never scored) → 160 ÷ 3.
      health: { scored: 3, average: 53.33, at_risk: 2 },
      // Open: C1 high, C2 critical, C4 low; resolved and snoozed ones do not count.
      alerts: { open: 3, by_severity: { low: 1, medium: 0, high: 1, critical: 1 } },
      // CSAT 5, 2, 4 → 3.67; NPS 10, 9 promoters, 7, 8 passives, 6 detractor → (2 − 1) ÷ 5 × 100.
      csat: {
        days: 90,
        from: addDays(w.today, -89),
        csat_responses: 3,
        average_csat: 3.67,
        nps_responses: 5,
        promoters: 2,
        passives: 2,
        detractors: 1,
        nps: 20,
      },
      // C1 (d+10) and C2 (d+80); C4 is churned, C3 ends after 90 days. Currencies stay apart.
      renewals: {
        days: 90,
        customers: 2,
        contract_value: [
          { currency: 'USD', amount: '20000.00' },
          { currency: 'UZS', amount: '1000.00' },
        ],
      },
      // C1 meeting and call, C3 training; C2's email is 31 days old, C5's ticket is in the future.
      interactions: { days: 30, count: 3 },
      // C1 ×2, C2, C4; C3's GreenX is inactive.
      deployments: { active: 4 },
    });
  });

  it('health distribution: latest scores of served customers in buckets and by risk', async () => {
    expect(await get('/dashboard/health-distribution')).toEqual({
      as_of: w.today,
      time_zone: TZ,
      scored: 3,
      unscored: 1,
      average: 53.33,
      buckets: [
        { from: 0, to: 19, customers: 0 },
        { from: 20, to: 39, customers: 1 },
        { from: 40, to: 59, customers: 1 },
        { from: 60, to: 79, customers: 0 },
        { from: 80, to: 100, customers: 1 },
      ],
      by_risk: { low: 1, medium: 0, high: 1, critical: 1 },
    });
  });

  it('segments: by industry, status, value band (documented default bands) and risk', async () => {
    const segments = await get<Record<string, unknown>>('/dashboard/customer-segments');
    const seg = (
      key: string | null,
      customers: number,
      scored: number,
      average: number | null,
      value: object[],
    ) => ({
      key,
      customers,
      scored,
      average_health: average,
      contract_value: value,
    });
    const uzs = (amount: string) => ({ currency: 'UZS', amount });
    const usd = (amount: string) => ({ currency: 'USD', amount });
    expect(segments.value_bands).toEqual([10000, 50000, 100000]);
    expect(segments.by_industry).toEqual([
      seg('Banking', 2, 1, 30, [uzs('60000.00')]),
      seg('Retail', 2, 2, 65, [usd('20000.00'), uzs('1000.00')]),
      seg(null, 1, 0, null, [uzs('500.00')]),
    ]);
    expect(segments.by_status).toEqual([
      seg('onboarding', 1, 1, 30, [uzs('60000.00')]),
      seg('active', 2, 1, 85, [uzs('1000.00')]),
      seg('at_risk', 1, 1, 45, [usd('20000.00')]),
      seg('churned', 1, 0, null, [uzs('500.00')]),
    ]);
    expect(segments.by_value_band).toEqual([
      seg('0-10000', 2, 1, 85, [uzs('1500.00')]),
      seg('10000-50000', 1, 1, 45, [usd('20000.00')]),
      seg('50000-100000', 1, 1, 30, [uzs('60000.00')]),
      seg('100000+', 0, 0, null, []),
      seg(null, 1, 0, null, []),
    ]);
    // Risk of served customers; churned C4 and never-scored C5 have none.
    expect(segments.by_risk).toEqual([
      seg('low', 1, 1, 85, [uzs('1000.00')]),
      seg('medium', 0, 0, null, []),
      seg('high', 1, 1, 45, [usd('20000.00')]),
      seg('critical', 1, 1, 30, [uzs('60000.00')]),
      seg(null, 2, 0, null, [uzs('500.00')]),
    ]);
    const custom = await get<{ by_value_band: { key: string; customers: number }[] }>(
      '/dashboard/customer-segments?value_bands=1000,50000',
    );
    expect(custom.by_value_band.map((b) => [b.key, b.customers])).toEqual([
      ['0-1000', 1],
      ['1000-50000', 2],
      ['50000+', 1],
      [null, 1],
    ]);
  });

  it('upcoming renewals: served customers ending within N days, soonest first, with days left, value, health and account manager', async () => {
    const renewals = await get<Record<string, unknown>>('/dashboard/upcoming-renewals');
    expect(renewals).toMatchObject({ as_of: w.today, days: 90, total: 2, limit: 50, offset: 0 });
    expect(renewals.renewals).toEqual([
      {
        customer_id: w.ids.c1,
        code: expect.any(String),
        name: 'C1 Alpha',
        status: 'active',
        contract_end: addDays(w.today, 10),
        days_left: 10,
        contract_value: '1000.00',
        currency: 'UZS',
        health_score: 85,
        health_risk: 'low',
        account_manager: { id: w.fx.users.agent.id, name: expect.stringMatching(/^agent /) },
      },
      expect.objectContaining({
        customer_id: w.ids.c2,
        days_left: 80,
        contract_value: '20000.00',
        currency: 'USD',
        health_score: 45,
        health_risk: 'high',
      }),
    ]);
    const wide = await get<{ renewals: { name: string; days_left: number }[]; total: number }>(
      '/dashboard/upcoming-renewals?days=120&limit=2&offset=1',
    );
    expect(wide.total).toBe(3);
    expect(wide.renewals.map((r) => [r.name, r.days_left])).toEqual([
      ['C2 Beta', 80],
      ['C3 Gamma', 120],
    ]);
    // C4 ends in 5 days but is churned.
    const soon = await get<{ renewals: unknown[]; total: number; contract_value: unknown[] }>(
      '/dashboard/upcoming-renewals?days=5',
    );
    expect(soon).toMatchObject({ renewals: [], total: 0, contract_value: [] });
  });

  it('a customer archived (deleted) counts as churned, and its renewal and health leave the served figures', async () => {
    const api = client(t);
    const before = await get<{ customers: { total: number } }>('/dashboard/stats');
    const id = (
      await api.ok(
        'POST',
        '/customers',
        admin,
        {
          code: 'ARCH-1',
          name: 'Archived Co',
          status: 'active',
          contract_end: addDays(w.today, 3),
          contract_value: '1.00',
        },
        201,
      )
    ).id;
    expectStatus(await api.call('DELETE', `/customers/${id}`, admin), 204);
    const after = await get<{
      customers: { total: number; by_status: { churned: number } };
      renewals: { customers: number };
    }>('/dashboard/stats');
    expect(after.customers.total).toBe(before.customers.total + 1);
    expect(after.customers.by_status.churned).toBe(2);
    expect(after.renewals.customers).toBe(2);
  });
});
