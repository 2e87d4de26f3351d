import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestApp } from '../harness/app.js';
import { client, expectStatus } from './helpers.js';
import { accuracyWorld, insightsApp, type AccuracyWorld } from './insights-world.js';

interface Figures {
  pairs: number;
  sum_forecast: number;
  sum_actual: number;
  mape: number | null;
  mape_skipped: number;
  wape: number | null;
  bias: number | null;
  mae: number | null;
}
interface Group {
  key: string;
  label: string;
  forecasts: number;
  forecast: Figures;
  baseline: Figures;
  forecast_beat_baseline: boolean | null;
}
interface Report {
  group_by: string;
  actuals_through: string | null;
  groups: Group[];
  total: Group;
}

describe('GET /sop/accuracy', () => {
  let t: TestApp;
  let w: AccuracyWorld;
  let other: AccuracyWorld;
  const get = (auth: Record<string, string>, query = '') =>
    client(t).ok<Report>('GET', `/sop/accuracy${query}`, auth);

  beforeAll(async () => {
    t = await insightsApp();
    w = await accuracyWorld(t, 'acc');
    other = await accuracyWorld(t, 'acc2');
  }, 120_000);
  afterAll(() => t.close());

  it('per rep: MAPE skips zero actuals, WAPE and bias over all months, the baseline beside', async () => {
    const report = await get(w.fx.users.admin.auth, `?cycle_id=${w.cycleId}`);
    expect(report.group_by).toBe('rep');
    // 2025-04 has no sales loaded for anyone: not a month with actuals.
    expect(report.actuals_through).toBe('2025-03');
    const agent = report.groups.find((g) => g.key === w.fx.users.agent.id)!;
    // Pairs (F, A): (12, 10), (8, 10), (5, 0).
    expect(agent.forecast).toMatchObject({ pairs: 3, sum_forecast: 25, sum_actual: 20, mape_skipped: 1 });
    expect(agent.forecast.mape).toBeCloseTo(20, 6); // (2/10 + 2/10) / 2
    expect(agent.forecast.wape).toBeCloseTo(45, 6); // 9 / 20
    expect(agent.forecast.bias).toBeCloseTo(25, 6); // 5 / 20
    expect(agent.forecast.mae).toBeCloseTo(3, 6);
    // 12 months of 10: the 3-month moving average, 10 each month → (10,10), (10,10), (10,0).
    expect(agent.baseline.sum_forecast).toBe(30);
    expect(agent.baseline.mape).toBeCloseTo(0, 6);
    expect(agent.baseline.wape).toBeCloseTo(50, 6);
    expect(agent.baseline.bias).toBeCloseTo(50, 6);
    expect(agent.forecast_beat_baseline).toBe(true);
    expect(agent.forecasts).toBe(1); // the draft never counts
    const leader = report.groups.find((g) => g.key === w.fx.users.team_leader.id)!;
    // (6, 4) against no history: the baseline is 0.
    expect(leader.forecast.wape).toBeCloseTo(50, 6);
    expect(leader.forecast.bias).toBeCloseTo(50, 6);
    expect(leader.baseline.wape).toBeCloseTo(100, 6);
    expect(leader.baseline.bias).toBeCloseTo(-100, 6);
    expect(leader.forecast_beat_baseline).toBe(true);
    // Total over 4 pairs: Σ|F−A| = 11, ΣA = 24, Σ(F−A) = 7, MAPE over 3.
    expect(report.total.forecast.wape).toBeCloseTo((100 * 11) / 24, 3);
    expect(report.total.forecast.bias).toBeCloseTo((100 * 7) / 24, 3);
    expect(report.total.forecast.mape).toBeCloseTo(30, 6);
    expect(report.total.forecasts).toBe(2);
  });

  it('groups by customer, product and cycle', async () => {
    const admin = w.fx.users.admin.auth;
    const byCustomer = await get(admin, `?cycle_id=${w.cycleId}&group_by=customer`);
    expect(byCustomer.groups.map((g) => [g.key, g.forecast.pairs])).toEqual([
      [w.customerA, 3],
      [w.customerB, 1],
    ]);
    expect(byCustomer.groups[0]!.label).toBe('acc Alpha');
    const byProduct = await get(admin, `?group_by=product&product_id=${w.productY}`);
    expect(byProduct.groups).toHaveLength(1);
    expect(byProduct.groups[0]!.key).toBe(w.productY);
    const byCycle = await get(admin, '?group_by=cycle');
    expect(byCycle.groups).toHaveLength(1);
    expect(byCycle.groups[0]).toMatchObject({ key: w.cycleId, label: 'Jan 2025' });
    expect(byCycle.groups[0]!.forecast.wape).toBeCloseTo((100 * 11) / 24, 3);
    const byRepFilter = await get(admin, `?rep_id=${w.fx.users.agent.id}&customer_id=${w.customerA}`);
    expect(byRepFilter.groups.map((g) => g.key)).toEqual([w.fx.users.agent.id]);
  });

  it('is scoped like forecasts: an agent sees their own, a viewer everything, no tenant sees another', async () => {
    const mine = await get(w.fx.users.agent.auth);
    expect(mine.groups.map((g) => g.key)).toEqual([w.fx.users.agent.id]);
    expect(mine.total.forecast.pairs).toBe(3);
    const leader = await get(w.fx.users.team_leader.auth);
    expect(leader.groups.map((g) => g.key)).toEqual([w.fx.users.team_leader.id]);
    expect((await get(w.fx.users.viewer.auth)).groups).toHaveLength(2);
    // The other tenant's cycle id answers nothing here.
    const foreign = await get(w.fx.users.admin.auth, `?cycle_id=${other.cycleId}`);
    expect(foreign.groups).toEqual([]);
    expect(foreign.total.forecast).toMatchObject({ pairs: 0, wape: null, mape: null, bias: null });
    expect(foreign.total.forecast_beat_baseline).toBeNull();
  });

  it('refuses bad filters with 422 and anonymous callers with 401', async () => {
    const admin = w.fx.users.admin.auth;
    expectStatus(await client(t).call('GET', '/sop/accuracy?group_by=region', admin), 422);
    expectStatus(await client(t).call('GET', '/sop/accuracy?cycle_id=nope', admin), 422);
    expectStatus(await client(t).call('GET', '/sop/accuracy?extra=1', admin), 422);
    expectStatus(await client(t).call('GET', '/sop/accuracy', {}), 401);
  });
});
