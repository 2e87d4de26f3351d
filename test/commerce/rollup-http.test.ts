import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rebuildSalesDaily, salesDailyDrift } from '../../src/modules/commerce/analytics/index.js';
import { deleteDocument } from '../../src/modules/commerce/documents/index.js';
import type { TestApp } from '../harness/app.js';
import { identityFixture, type IdentityFixture } from '../identity/fixtures.js';
import { createCustomer, createProduct, createWarehouse, inTenantTx } from './inventory.helpers.js';
import { client, expectStatus } from '../field/helpers.js';
import { analyticsApp, at, dayBefore, localToday, TIME_ZONE } from './analytics-world.js';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/**
 * The daily sales rollup against the positions it sums: after every kind of write (created,
 * replaced, moved across a local midnight, unposted, deleted, trashed by the ERP, bulk statements)
 * the rollup equals a recomputation from the positions, and the dashboard and the sales report
 * answer what the positions say, computed here straight from `commerce_document_positions`.
 */
describe('commerce daily sales rollup', () => {
  let t: TestApp;
  let fx: IdentityFixture;
  let other: IdentityFixture;
  let admin: Record<string, string>;
  let agent: Record<string, string>;
  let zone = TIME_ZONE;
  let products: string[];
  let customers: string[];
  let warehouse: string;
  const from = dayBefore(40);
  const to = localToday();

  const api = () => client(t);
  const get = async (url: string, auth = admin) =>
    expectStatus(await api().call('GET', url, auth), 200).json<Json>();

  /** Revenue, cost and quantity by local day and product (and owner) from the positions themselves. */
  const truth = (tenantId: string, ownerId?: string) =>
    inTenantTx(t, tenantId, async (tx) => {
      const { rows } = await tx.sql.query<{
        day: string;
        product_id: string;
        revenue: string;
        cost: string;
        quantity: string;
      }>(
        `select to_char((p.moment at time zone $2)::date, 'YYYY-MM-DD') as day, p.product_id::text,
           sum(case when p.kind = 'sales_return' then -p.sum else p.sum end)::numeric(18, 2)::text as revenue,
           sum(case when p.kind = 'sales_return' then -1 else 1 end * p.quantity * p.unit_cost)::numeric(18, 2)::text as cost,
           sum(case when p.kind = 'sales_return' then -p.quantity else p.quantity end)::numeric(18, 3)::text as quantity
         from commerce_document_positions p
         where p.tenant_id = $1 and p.active and p.kind in ('shipment', 'sales_return')
           and (p.moment at time zone $2)::date between $3::date and $4::date
           and ($5::uuid is null or p.owner_id = $5::uuid)
         group by 1, 2 order by 1, 2`,
        [tenantId, zone, from, to, ownerId ?? null],
      );
      return rows;
    });

  const totalOf = (rows: { revenue: string; cost: string }[]) => {
    const cents = (s: string) => Math.round(Number(s) * 100);
    const sum = (k: 'revenue' | 'cost') => (rows.reduce((a, r) => a + cents(r[k]), 0) / 100).toFixed(2);
    return { revenue: sum('revenue'), cost: sum('cost') };
  };

  /** The rollup is in step and both routes agree with the positions, for the admin and the agent. */
  async function expectInStep(label: string) {
    expect(await inTenantTx(t, fx.tenantId, (tx) => salesDailyDrift(tx, fx.tenantId)), label).toBe(0);
    const expected = await truth(fx.tenantId);
    const report = await get(
      `/analytics/sales/report?from=${from}&to=${to}&granularity=day&group_by=product&limit=1000`,
    );
    const cells = report.rows.map((r: Json) => ({
      day: r.period_start,
      product_id: r.key,
      revenue: r.revenue,
      cost: r.cost,
      quantity: r.quantity,
    }));
    const byKey = (a: Json, b: Json) => `${a.day}${a.product_id}`.localeCompare(`${b.day}${b.product_id}`);
    expect(cells.sort(byKey), label).toEqual([...expected].sort(byKey));
    const dashboard = await get(`/analytics/dashboard?from=${from}&to=${to}`);
    expect({ revenue: dashboard.revenue.value, cost: dashboard.cost.value }, label).toEqual(
      totalOf(expected),
    );
    // Scope: the agent sees the documents they are responsible for, from the rollup as well.
    const own = await truth(fx.tenantId, fx.users.agent.id);
    const agentDashboard = await get(`/analytics/dashboard?from=${from}&to=${to}`, agent);
    expect({ revenue: agentDashboard.revenue.value, cost: agentDashboard.cost.value }, label).toEqual(
      totalOf(own),
    );
    const agentReport = await get(
      `/analytics/sales/report?from=${from}&to=${to}&granularity=month&group_by=manager`,
      agent,
    );
    expect(
      agentReport.groups.map((g: Json) => g.key),
      label,
    ).toEqual(own.length ? [fx.users.agent.id] : []);
  }

  const line = (product: string, quantity: string, price: string) => ({
    product_id: product,
    quantity,
    price,
  });
  const post = async (body: object, auth = admin) =>
    expectStatus(
      await api().call('POST', '/documents', auth, { warehouse_id: warehouse, ...body }),
      201,
    ).json<Json>();
  const put = async (id: string, body: object) =>
    expectStatus(await api().call('PUT', `/documents/${id}`, admin, body), 200).json<Json>();

  beforeAll(async () => {
    t = await analyticsApp();
    fx = await identityFixture(t, 'rollup');
    other = await identityFixture(t, 'elsewhere');
    admin = fx.users.admin.auth;
    agent = fx.users.agent.auth;
    await t.database.db.withSystem((tx) =>
      tx.sql.query(
        `update tenants set settings = settings || jsonb_build_object('time_zone', $2::text, 'currency', 'UZS')
         where id = $1`,
        [fx.tenantId, TIME_ZONE],
      ),
    );
    await api().ok('PUT', '/commerce/settings', admin, { commerce: { allow_negative_stock: true } });
    warehouse = (await createWarehouse(t, admin)).id;
    products = [(await createProduct(t, admin)).id, (await createProduct(t, admin)).id];
    customers = [(await createCustomer(t, admin)).id, (await createCustomer(t, admin)).id];
  }, 120_000);
  afterAll(() => t?.close());

  it('follows documents created, replaced, moved across midnight, unposted and deleted', async () => {
    const [p1, p2] = products as [string, string];
    const [c1, c2] = customers as [string, string];
    // 23:30 local time three days ago: still that day locally, though UTC is already past 18:00.
    const late = await post({
      kind: 'shipment',
      customer_id: c1,
      moment: at(3, 23.5),
      positions: [line(p1, '2', '50.00'), line(p2, '1.5', '40.00')],
    });
    const agentLines = [line(p1, '1', '50.00'), line(p1, '3', '10.00')];
    const agents = await post(
      { kind: 'shipment', customer_id: c2, moment: at(2, 0.5), positions: agentLines },
      agent,
    );
    const returned = await post({
      kind: 'sales_return',
      customer_id: c1,
      moment: at(1),
      positions: [line(p2, '1', '40.00')],
    });
    // Orders and unposted shipments are no sales.
    await post({
      kind: 'customer_order',
      customer_id: c1,
      moment: at(1),
      positions: [line(p1, '9', '1.00')],
    });
    await post({
      kind: 'shipment',
      customer_id: c1,
      moment: at(1),
      applicable: false,
      positions: [line(p1, '7', '1.00')],
    });
    await expectInStep('created');
    const dayRows = (await truth(fx.tenantId)).filter((r) => r.day === dayBefore(3));
    expect(dayRows.map((r) => r.revenue).sort()).toEqual(['100.00', '60.00']);

    // Positions replaced: other quantities, one more line, and the moment 1 h later, which is the
    // next local day.
    await put(late.id, {
      moment: at(3, 24.5),
      positions: [line(p1, '4', '50.00'), line(p2, '1', '40.00'), line(p2, '2', '5.00')],
    });
    await expectInStep('replaced and moved');
    expect((await truth(fx.tenantId)).some((r) => r.day === dayBefore(3))).toBe(false);

    await put(agents.id, { applicable: false, positions: agentLines });
    await expectInStep('unposted');
    await put(agents.id, { applicable: true, customer_id: c1, positions: agentLines });
    await expectInStep('posted again with another customer');

    await expectStatus(await api().call('DELETE', `/documents/${returned.id}`, admin), 204);
    await expectInStep('deleted');
  });

  it('follows the ERP trash and bulk statements of the application role', async () => {
    const [p1, p2] = products as [string, string];
    const doc = await post({
      kind: 'shipment',
      customer_id: customers[1],
      moment: at(5),
      positions: [line(p1, '1', '11.11'), line(p2, '2', '22.22')],
    });
    await inTenantTx(t, fx.tenantId, (tx) => deleteDocument(tx, fx.tenantId, doc.id));
    await expectInStep('trashed');
    // Statements such as a sync applying a page of changes at once: every row of each one.
    await inTenantTx(t, fx.tenantId, async (tx) => {
      await tx.sql.query(
        `update commerce_document_positions set unit_cost = unit_cost + 1.25, quantity = quantity * 2
         where tenant_id = $1`,
        [fx.tenantId],
      );
      await tx.sql.query(
        `update commerce_document_positions set moment = moment - interval '20 hours', active = not active
         where tenant_id = $1 and kind = 'shipment'`,
        [fx.tenantId],
      );
    });
    await expectInStep('bulk updates');
    await inTenantTx(t, fx.tenantId, (tx) =>
      tx.sql.query(
        `delete from commerce_document_positions where tenant_id = $1 and line_no = 1 and kind = 'shipment'`,
        [fx.tenantId],
      ),
    );
    await expectInStep('bulk delete');
    // Rows go when their positions do: none holds zero positions.
    const empty = await inTenantTx(t, fx.tenantId, async (tx) => {
      const { rows } = await tx.sql.query<{ n: number }>(
        'select count(*)::int as n from commerce_sales_daily where positions <= 0',
      );
      return rows[0]!.n;
    });
    expect(empty).toBe(0);
  });

  it('moves every sale to its new local day when the tenant changes its time zone', async () => {
    // 02:00 in Tashkent is the afternoon before in Los Angeles.
    await post({
      kind: 'shipment',
      customer_id: customers[0],
      moment: at(4, 2),
      positions: [line(products[0]!, '1', '99.00')],
    });
    await expectInStep('before the change');
    const before = await truth(fx.tenantId);
    // Through the API: the application role rebuilds the rollup under row-level security.
    await api().ok('PUT', `/tenants/${fx.tenantId}`, admin, {
      settings: { time_zone: 'America/Los_Angeles' },
    });
    zone = 'America/Los_Angeles';
    const after = await truth(fx.tenantId);
    expect(after.map((r) => r.day)).not.toEqual(before.map((r) => r.day));
    await expectInStep('time zone changed');
  });

  it('rebuilds to the same rows and keeps other tenants apart', async () => {
    const snapshot = (tenantId: string) =>
      inTenantTx(t, tenantId, async (tx) => {
        const { rows } = await tx.sql.query(
          `select * from commerce_sales_daily order by day, product_id, customer_id, owner_id`,
        );
        return rows;
      });
    const kept = await snapshot(fx.tenantId);
    expect(kept.length).toBeGreaterThan(0);
    const written = await inTenantTx(t, fx.tenantId, (tx) => rebuildSalesDaily(tx, fx.tenantId));
    expect(written).toBe(kept.length);
    expect(await snapshot(fx.tenantId)).toEqual(kept);
    // Row-level security: another tenant sees none of these rows and rebuilds only its own.
    expect(await snapshot(other.tenantId)).toEqual([]);
    expect(await inTenantTx(t, other.tenantId, (tx) => rebuildSalesDaily(tx, fx.tenantId))).toBe(0);
    expect(await snapshot(fx.tenantId)).toEqual(kept);
  });
});
