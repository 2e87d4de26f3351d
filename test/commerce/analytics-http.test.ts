import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestApp } from '../harness/app.js';
import { client, expectStatus, extraUser, type FixtureUser } from '../field/helpers.js';
import { analyticsApp, analyticsWorld, dayBefore, localToday, type World } from './analytics-world.js';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

describe('commerce analytics over HTTP', () => {
  let t: TestApp;
  let w: World;
  let admin: Record<string, string>;
  let agent: Record<string, string>;
  let clerk: FixtureUser;
  const get = async (url: string, auth = admin, status = 200) =>
    expectStatus(await client(t).call('GET', url, auth), status).json<Json>();
  const today = localToday();
  const current = `from=${dayBefore(9)}&to=${today}`;
  const twoPeriods = `from=${dayBefore(19)}&to=${today}`;

  beforeAll(async () => {
    t = await analyticsApp();
    w = await analyticsWorld(t, 'alpha');
    // Another tenant with the same shape and every amount ×1000: none of it may show in alpha's figures.
    await analyticsWorld(t, 'beta', 1000);
    admin = w.fx.users.admin.auth;
    agent = w.fx.users.agent.auth;
    await client(t).ok(
      'POST',
      '/roles',
      admin,
      { key: 'clerk', name: 'Clerk', level: 10, permissions: ['documents:read'] },
      201,
    );
    clerk = await extraUser(t, w.fx, 'clerk');
  }, 120_000);
  afterAll(() => t?.close());

  describe('GET /analytics/dashboard', () => {
    it('compares the period with the one before it, in the tenant zone and currency', async () => {
      const d = await get(`/analytics/dashboard?${current}`);
      expect(d.currency).toBe('UZS');
      expect(d.period).toEqual({ from: dayBefore(9), to: today, days: 10 });
      expect(d.previous_period).toEqual({ from: dayBefore(19), to: dayBefore(10), days: 10 });
      // Shipments 140 (agent) + 50 (admin, at 00:30 local on the first day) − the agent's return 40.
      expect(d.revenue).toEqual({ value: '150.00', previous: '100.00', growth_percent: 50 });
      expect(d.cost).toEqual({ value: '90.00', previous: '60.00', growth_percent: 50 });
      expect(d.gross_profit).toEqual({ value: '60.00', previous: '40.00', growth_percent: 50 });
      expect(d.margin_percent).toEqual({ value: 40, previous: 40, growth_percent: 0 });
      // One posted order (the unposted one does not count), none before.
      expect(d.orders).toEqual({ value: 1, previous: 0, growth_percent: 100 });
      expect(d.shipments).toEqual({ value: 2, previous: 1, growth_percent: 100 });
      expect(d.average_order).toEqual({ value: '75.00', previous: '100.00', growth_percent: -25 });
      // C2's first shipment is in the period; C1 bought 200 days ago; C3 only has a draft.
      expect(d.new_customers).toEqual({ value: 1, previous: 0, growth_percent: 100 });
      // Now: P1@W1 (4 ≤ 5) and P3@W1 (100 ≤ threshold 200) low, P2@W1 out. Before the period P2@W1
      // still held the 5 units shipped since: low, not out.
      expect(d.low_stock).toEqual({ value: 2, previous: 3, growth_percent: -33.33 });
      expect(d.out_of_stock).toEqual({ value: 1, previous: 0, growth_percent: 100 });
      expect(d.top_products).toEqual([
        {
          product_id: w.products.P1,
          code: expect.stringMatching(/^P1-/),
          name: 'Product one',
          revenue: '150.00',
          previous_revenue: '100.00',
          growth_percent: 50,
          gross_profit: '60.00',
          margin_percent: 40,
          quantity: '3.000',
        },
        expect.objectContaining({ product_id: w.products.P2, revenue: '0.00', margin_percent: 0 }),
      ]);
      expect((await get(`/analytics/dashboard?${current}&top=1`)).top_products).toHaveLength(1);
    });

    it('limits sales to the caller’s scope; stock stays tenant-wide', async () => {
      const d = await get(`/analytics/dashboard?${current}`, agent);
      expect(d.revenue).toEqual({ value: '100.00', previous: '100.00', growth_percent: 0 });
      expect(d.orders.value).toBe(1);
      expect(d.shipments).toEqual({ value: 1, previous: 1, growth_percent: 0 });
      expect(d.new_customers.value).toBe(0); // C2 was won by the admin
      expect(d.low_stock.value).toBe(2);
    });

    it('answers calendar periods up to today', async () => {
      const d = await get('/analytics/dashboard?period=year');
      expect(d.period.from).toBe(`${today.slice(0, 4)}-01-01`);
      expect(d.period.to).toBe(today);
      expect((await get('/analytics/dashboard')).period.from).toBe(`${today.slice(0, 7)}-01`);
    });

    it('refuses bad periods with 422', async () => {
      for (const query of [
        'period=decade',
        `from=${today}&to=${dayBefore(1)}`,
        `from=${today}`,
        `period=month&from=${today}&to=${today}`,
        'from=2020-01-01&to=2026-01-01',
        'top=0',
        'colour=red',
      ])
        expect((await get(`/analytics/dashboard?${query}`, admin, 422)).code, query).toBe(
          'VALIDATION_FAILED',
        );
    });
  });

  describe('GET /analytics/sales/report', () => {
    it('sums shipments minus returns by product', async () => {
      const r = await get(`/analytics/sales/report?${twoPeriods}&granularity=month&group_by=product`);
      expect(r.totals).toEqual({
        revenue: '250.00',
        cost: '150.00',
        gross_profit: '100.00',
        margin_percent: 40,
        quantity: '5.000',
      });
      expect(r.groups_total).toBe(2);
      expect(r.groups.map((g: Json) => [g.key, g.revenue, g.quantity])).toEqual([
        [w.products.P1, '250.00', '5.000'],
        [w.products.P2, '0.00', '0.000'],
      ]);
      const cells = r.rows.filter((x: Json) => x.key === w.products.P1);
      expect(cells.reduce((s: number, x: Json) => s + Number(x.revenue), 0)).toBe(250);
      expect(r.periods.reduce((s: number, x: Json) => s + Number(x.revenue), 0)).toBe(250);
    });

    it('groups by manager, by customer per local day, and filters', async () => {
      const byManager = await get(`/analytics/sales/report?${twoPeriods}&group_by=manager`);
      expect(byManager.groups.map((g: Json) => [g.key, g.revenue])).toEqual([
        [w.fx.users.agent.id, '200.00'],
        [w.fx.users.admin.id, '50.00'],
      ]);
      const daily = await get(`/analytics/sales/report?${twoPeriods}&granularity=day&group_by=customer`);
      // C2's shipment at 00:30 Tashkent time is on that local day (the day before in UTC).
      expect(daily.rows.filter((x: Json) => x.key === w.customers.C2)).toEqual([
        expect.objectContaining({ period_start: dayBefore(9), revenue: '50.00', name: 'Customer two' }),
      ]);
      const one = await get(`/analytics/sales/report?${twoPeriods}&customer_id=${w.customers.C2}`);
      expect(one.totals.revenue).toBe('50.00');
      const top = await get(`/analytics/sales/report?${twoPeriods}&group_by=customer&limit=1`);
      expect(top.groups).toHaveLength(1);
      expect(top.groups_total).toBe(2);
      expect(top.totals.revenue).toBe('250.00');
    });

    it('shows an agent their own sales only', async () => {
      const r = await get(`/analytics/sales/report?${twoPeriods}&group_by=customer`, agent);
      expect(r.totals.revenue).toBe('200.00');
      expect(r.groups.map((g: Json) => g.key)).toEqual([w.customers.C1]);
    });

    it('refuses unknown groupings and bad periods with 422', async () => {
      for (const query of [
        'group_by=team',
        `from=${today}&to=${dayBefore(3)}`,
        'granularity=day&from=2024-01-01&to=2025-06-01',
        'granularity=hour',
        'owner_id=nope',
      ])
        expect((await get(`/analytics/sales/report?${query}`, admin, 422)).code, query).toBe(
          'VALIDATION_FAILED',
        );
    });
  });

  describe('GET /analytics/inventory/report', () => {
    it('values stock, computes days of cover and lists low, out-of and dead stock', async () => {
      const r = await get('/analytics/inventory/report');
      expect(r.totals).toEqual({
        stock_rows: 4,
        products: 3,
        stock: '160.000',
        value_at_cost: '1300.00',
        value_at_sale_price: '3300.00',
        low_stock: 2,
        out_of_stock: 1,
        dead_stock: 1,
        dead_stock_value_at_cost: '500.00',
      });
      // P1: 4 available, 5 shipped in 30 days → 24 days; P2: 50 and 1 → 1500; P3: nothing shipped.
      expect(
        r.products.map((p: Json) => [p.product_id, p.available, p.shipped_in_window, p.days_of_cover]),
      ).toEqual([
        [w.products.P1, '4.000', '5.000', 24],
        [w.products.P2, '50.000', '1.000', 1500],
        [w.products.P3, '100.000', '0.000', null],
      ]);
      expect(r.low_stock.map((s: Json) => [s.product_id, s.min_stock])).toEqual([
        [w.products.P3, '200.000'],
        [w.products.P1, '5.000'],
      ]);
      expect(r.out_of_stock.map((s: Json) => [s.product_id, s.warehouse_id])).toEqual([
        [w.products.P2, w.warehouses.W1],
      ]);
      expect(r.dead_stock).toHaveLength(1);
      expect(r.dead_stock[0].warehouse_id).toBe(w.warehouses.W2);
      expect(r.dead_stock[0].days_without_movement).toBeGreaterThanOrEqual(199);
      // Tenant-wide: the agent sees the same stock.
      expect((await get('/analytics/inventory/report', agent)).totals).toEqual(r.totals);
      const far = await get(`/analytics/inventory/report?warehouse_id=${w.warehouses.W2}`);
      expect(far.totals.stock_rows).toBe(1);
      await get('/analytics/inventory/report?limit=0', admin, 422);
    });
  });

  describe('GET /analytics/customers', () => {
    it('scores customers by RFM and names their segments', async () => {
      const r = await get('/analytics/customers');
      expect(r.total).toBe(2);
      expect(
        r.customers.map((c: Json) => [
          c.customer_id,
          c.recency_days,
          c.frequency,
          c.monetary,
          c.rfm,
          c.segment,
        ]),
      ).toEqual([
        [w.customers.C1, 2, 3, '240.00', '444', 'loyal'],
        [w.customers.C2, 9, 1, '50.00', '222', 'hibernating'],
      ]);
      const loyal = r.segments.find((s: Json) => s.segment === 'loyal');
      expect(loyal).toEqual({
        segment: 'loyal',
        customers: 1,
        monetary: '240.00',
        customers_percent: 50,
        monetary_percent: 82.76,
      });
      const filtered = await get('/analytics/customers?segment=hibernating');
      expect(filtered.customers.map((c: Json) => c.customer_id)).toEqual([w.customers.C2]);
      const paged = await get('/analytics/customers?sort=recency&limit=1&offset=1');
      expect(paged.customers.map((c: Json) => c.customer_id)).toEqual([w.customers.C2]);
      // A 5-day window holds only C1's latest shipment.
      const recent = await get('/analytics/customers?window_days=5');
      expect(recent.customers.map((c: Json) => [c.customer_id, c.frequency, c.monetary])).toEqual([
        [w.customers.C1, 1, '100.00'],
      ]);
    });

    it('scores an agent’s customers among themselves', async () => {
      const r = await get('/analytics/customers', agent);
      expect(r.customers.map((c: Json) => [c.customer_id, c.rfm, c.segment])).toEqual([
        [w.customers.C1, '333', 'needs_attention'],
      ]);
      await get('/analytics/customers?segment=vip', admin, 422);
      await get('/analytics/customers?window_days=0', admin, 422);
    });
  });

  describe('GET /analytics/products/abc-xyz', () => {
    it('classes products by revenue share and demand variability', async () => {
      const r = await get(`/analytics/products/abc-xyz?${twoPeriods}&xyz_period=week`);
      expect(r.revenue).toBe('250.00');
      expect(
        r.products.map((p: Json) => [p.product_id, p.abc, p.share_percent, p.cumulative_share_percent]),
      ).toEqual([
        [w.products.P1, 'A', 100, 100],
        [w.products.P2, 'C', 0, 100],
      ]);
      // P2's net quantity is 0 (one sold, one returned): no demand, Z.
      expect(r.products[1]).toMatchObject({ cv_percent: null, xyz: 'Z', class: 'CZ' });
      expect(r.matrix.C).toEqual({ X: 0, Y: 0, Z: 1 });
      expect(r.matrix.A.X + r.matrix.A.Y + r.matrix.A.Z).toBe(1);
      expect(r.products[0].cv_percent).toBeGreaterThan(0);
      const onlyC = await get(`/analytics/products/abc-xyz?${twoPeriods}&xyz_period=week&abc=C`);
      expect(onlyC.products.map((p: Json) => p.product_id)).toEqual([w.products.P2]);
      expect(onlyC.matrix).toEqual(r.matrix);
      expect((await get('/analytics/products/abc-xyz')).period.days).toBeGreaterThanOrEqual(365);
    });

    it('refuses reversed thresholds with 422', async () => {
      const res = await get('/analytics/products/abc-xyz?a=90&b=80', admin, 422);
      expect(res.errors[0].path).toBe('/query/a');
      await get('/analytics/products/abc-xyz?x=30&y=20', admin, 422);
      await get('/analytics/products/abc-xyz?a=120', admin, 422);
    });
  });

  it('every route needs commerce_analytics:read (403) and a sign-in (401)', async () => {
    for (const path of [
      '/analytics/dashboard',
      '/analytics/sales/report',
      '/analytics/inventory/report',
      '/analytics/customers',
      '/analytics/products/abc-xyz',
    ]) {
      expect((await get(path, clerk.auth, 403)).code).toBe('FORBIDDEN');
      await get(path, {}, 401);
      await get(path, w.fx.users.viewer.auth);
    }
  });
});
