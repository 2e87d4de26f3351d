import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestApp } from '../harness/app.js';
import { client, type Headers } from './helpers.js';
import {
  addDays,
  at,
  customer,
  insightsApp,
  insightsTenant,
  monthDay,
  successRows,
  TZ,
} from './insights-fixtures.js';
import { buildWorld, type World } from './insights-world.js';

/** Activity feed, product and account-manager figures, and the health and CSAT trends. */
describe('success dashboard: activity, performance and trends', () => {
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

  it('recent activity: interactions, responses, alerts and health changes merged newest first', async () => {
    const { activity } = await get<{ activity: Record<string, unknown>[] }>(
      '/dashboard/recent-activity?limit=5',
    );
    expect(activity.map((a) => [a.kind, a.customer_name, a.type])).toEqual([
      // C1's latest score moved from medium (75) to low (85); C2's and C3's kept their risk.
      ['health_change', 'C1 Alpha', 'low'],
      ['alert', 'C1 Alpha', 'health_drop'],
      ['alert', 'C2 Beta', 'health_drop'],
      ['interaction', 'C3 Gamma', 'training'],
      ['interaction', 'C1 Alpha', 'meeting'],
    ]);
    expect(activity[0]).toMatchObject({ score: 85, previous_score: 75, previous_risk: 'medium' });
    expect(activity[1]).toMatchObject({ severity: 'high', status: 'open', summary: 'health_drop high' });
    expect(activity[3]).toMatchObject({ sentiment: 'neutral', summary: 'training note', severity: null });
    const longer = await get<{ activity: { kind: string; type: string; score: number | null }[] }>(
      '/dashboard/recent-activity?limit=6',
    );
    expect(longer.activity[5]).toMatchObject({ kind: 'csat_response', type: 'onboarding', score: 4 });
    // The last 30 days only: C2's email (31 days) and C1's response of 100 days are not there,
    // nor C5's support ticket (it is in the future).
    const all = await get<{ activity: { kind: string; type: string }[] }>('/dashboard/recent-activity');
    const count = (kind: string) => all.activity.filter((a) => a.kind === kind).length;
    expect([count('interaction'), count('csat_response'), count('alert')]).toEqual([3, 8, 5]);
    expect(all.activity.some((a) => a.type === 'email' || a.type === 'support_ticket')).toBe(false);
  });

  it('product performance: customers with an active deployment, their health, CSAT tied to the product, open alerts', async () => {
    const { products, csat_days } = await get<{ products: unknown[]; csat_days: number }>(
      '/dashboard/product-performance',
    );
    expect(csat_days).toBe(90);
    const figures = (extra: object) => ({
      csat_responses: 0,
      average_csat: null,
      nps_responses: 0,
      promoters: 0,
      passives: 0,
      detractors: 0,
      nps: null,
      ...extra,
    });
    expect(products).toEqual([
      // Only C3's inactive deployment; the response names it.
      {
        product_name: 'GreenX',
        customers: 0,
        active_deployments: 0,
        deployments: 1,
        scored: 0,
        average_health: null,
        ...figures({ csat_responses: 1, average_csat: 4 }),
        open_alerts: 0,
      },
      // C1 and C2: C2's response names its MonetX (2), C1's names none (5); NPS 10, 9.
      {
        product_name: 'MonetX',
        customers: 2,
        active_deployments: 2,
        deployments: 2,
        scored: 2,
        average_health: 65,
        ...figures({ csat_responses: 2, average_csat: 3.5, nps_responses: 2, promoters: 2, nps: 100 }),
        open_alerts: 2,
      },
      // C1 and churned C4: health of C1 only; NPS 10 and 7; open alerts C1 high, C4 low.
      {
        product_name: 'SupportX',
        customers: 2,
        active_deployments: 2,
        deployments: 2,
        scored: 1,
        average_health: 85,
        ...figures({
          csat_responses: 1,
          average_csat: 5,
          nps_responses: 2,
          promoters: 1,
          passives: 1,
          nps: 50,
        }),
        open_alerts: 2,
      },
    ]);
  });

  it('account manager performance: book, health, at-risk, renewals due and interactions per account manager', async () => {
    const result = await get<{ account_managers: Record<string, unknown>[] }>(
      '/dashboard/account-manager-performance',
    );
    expect(result).toMatchObject({ as_of: w.today, renewal_days: 90, interaction_days: 30 });
    expect(result.account_managers).toEqual([
      {
        user_id: w.fx.users.agent.id,
        name: expect.stringMatching(/^agent /),
        email: w.fx.users.agent.email,
        customers: 2,
        scored: 2,
        average_health: 65,
        at_risk: 1,
        renewals_due: 2,
        renewal_value: [
          { currency: 'USD', amount: '20000.00' },
          { currency: 'UZS', amount: '1000.00' },
        ],
        interactions: 2,
      },
      {
        user_id: w.zed.id,
        name: 'Zed Manager',
        email: expect.any(String),
        customers: 2,
        scored: 1,
        average_health: 30,
        at_risk: 1,
        renewals_due: 0,
        renewal_value: [],
        interactions: 1,
      },
    ]);
  });

  it('health trends: per month, the book on the month’s last health snapshot day', async () => {
    const trends = await get<{ interval: string; periods: Record<string, unknown>[] }>(
      '/dashboard/health-trends?interval=month&periods=3',
    );
    expect(trends.interval).toBe('month');
    const month = (back: number) => ({ period: monthDay(back, 1), to: addDays(monthDay(back - 1, 1), -1) });
    expect(trends.periods).toEqual([
      // The 20th: C1 60 (its later score that month), C2 50; C4 is churned.
      { ...month(2), customers: 2, average: 55, low: 0, medium: 1, high: 1, critical: 0 },
      // The 20th: C1 75, C2 50 (still its latest), C3 35; C1's deployment score does not count.
      { ...month(1), customers: 3, average: 53.33, low: 0, medium: 1, high: 1, critical: 1 },
      // C1 85, C2 45, C3 30.
      { ...month(0), customers: 3, average: 53.33, low: 1, medium: 0, high: 1, critical: 1 },
    ]);
    const weeks = await get<{ periods: { period: string; customers: number; average: number | null }[] }>(
      '/dashboard/health-trends?interval=week&periods=1',
    );
    expect(weeks.periods).toHaveLength(1);
    expect(weeks.periods[0]).toMatchObject({ customers: 3, average: 53.33 });
    expect(new Date(`${weeks.periods[0]!.period}T00:00:00Z`).getUTCDay()).toBe(1);
  });

  it('CSAT trends: per tenant month, responses, CSAT average and NPS; a response at 02:00 on the 1st belongs to that month', async () => {
    const fx = await insightsTenant(t, 'csattrend');
    const id = await customer(t, fx.users.admin.auth, { name: 'Trend Co' });
    const rows = successRows(t, fx.tenantId);
    await rows.csat(id, 'quarterly', 4, at(monthDay(2, 10)));
    await rows.csat(id, 'post_ticket', 5, at(monthDay(2, 10)));
    await rows.csat(id, 'nps', 10, at(monthDay(2, 10)));
    await rows.csat(id, 'nps', 3, at(monthDay(2, 10)));
    await rows.csat(id, 'nps', 8, at(monthDay(2, 20)));
    await rows.csat(id, 'nps', 5, at(monthDay(2, 20)));
    await rows.csat(id, 'onboarding', 1, at(monthDay(1, 10)));
    await rows.csat(id, 'nps', 9, at(monthDay(1, 10)));
    // 02:00 in Tashkent on the 1st is 21:00 UTC on the month before's last day.
    await rows.csat(id, 'nps', 9, at(monthDay(1, 1), 2));
    const { months } = await get<{ months: Record<string, unknown>[] }>(
      '/dashboard/csat-trends?months=3',
      fx.users.admin.auth,
    );
    const month = (back: number) => ({ period: monthDay(back, 1), to: addDays(monthDay(back - 1, 1), -1) });
    expect(months).toEqual([
      // CSAT 4, 5 → 4.5; NPS 10 promoter, 8 passive, 3 and 5 detractors → (1 − 2) ÷ 4 × 100.
      {
        ...month(2),
        responses: 6,
        csat_responses: 2,
        average_csat: 4.5,
        nps_responses: 4,
        promoters: 1,
        passives: 1,
        detractors: 2,
        nps: -25,
      },
      {
        ...month(1),
        responses: 3,
        csat_responses: 1,
        average_csat: 1,
        nps_responses: 2,
        promoters: 2,
        passives: 0,
        detractors: 0,
        nps: 100,
      },
      {
        ...month(0),
        responses: 0,
        csat_responses: 0,
        average_csat: null,
        nps_responses: 0,
        promoters: 0,
        passives: 0,
        detractors: 0,
        nps: null,
      },
    ]);
    const tenantMonths = await get<{ time_zone: string; months: unknown[] }>(
      '/dashboard/csat-trends',
      fx.users.admin.auth,
    );
    expect(tenantMonths.time_zone).toBe(TZ);
    expect(tenantMonths.months).toHaveLength(12);
  });
});
