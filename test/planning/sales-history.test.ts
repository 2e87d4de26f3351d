import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestApp } from '../harness/app.js';
import { identityFixture, type IdentityFixture } from '../identity/fixtures.js';
import { parseCsv, runImport, xlsx } from '../catalog/imports.helpers.js';
import {
  client,
  createCustomer,
  createProduct,
  createTeam,
  expectStatus,
  extraUser,
  planningApp,
} from './helpers.js';

type Sale = {
  id: string;
  customer_code: string;
  product_code: string;
  month: string;
  quantity: number;
  revenue: string;
  cost: string;
  gross_profit: string;
  rep_id: string | null;
};
type Listed = { sales_history: Sale[]; total: number | null; next_cursor: string | null };

describe('sales history', () => {
  let t: TestApp;
  let fx: IdentityFixture;
  let api: ReturnType<typeof client>;
  let admin: Record<string, string>;
  let c1: { id: string; code: string };
  let c2: { id: string; code: string };
  let p1: { id: string; code: string };
  let p2: { id: string; code: string };
  let peer: Awaited<ReturnType<typeof extraUser>>;

  const importCsv = (csv: string, fields: Record<string, string> = { mode: 'upsert-by-code' }) =>
    runImport(t, fx.users.admin, fx.tenantId, { bytes: csv }, { entity: 'sales_history', ...fields });

  beforeAll(async () => {
    t = await planningApp();
    fx = await identityFixture(t, 'sales');
    api = client(t);
    admin = fx.users.admin.auth;
    [c1, c2] = [await createCustomer(t, admin), await createCustomer(t, admin)];
    [p1, p2] = [await createProduct(t, admin), await createProduct(t, admin)];
    peer = await extraUser(t, fx, 'agent');
    await createTeam(t, fx, fx.users.team_leader.id, [fx.users.agent.id]);
    const agent = fx.users.agent.email;
    const { run } = await importCsv(
      [
        'customer_code,product_code,month,quantity,revenue,cost,rep_email',
        `${c1.code},${p1.code},2025-01,10,100.00,60.00,${agent}`,
        `${c1.code},${p1.code},2025-02,12,120.50,70.25,${agent}`,
        `${c1.code},${p2.code},2025-02,5,50,20,${agent}`,
        `${c2.code},${p1.code},2025-01,3,30.00,10.00,${peer.email}`,
        `${c2.code},${p2.code},2025-03-01,1,9.99,,`,
      ].join('\n'),
    );
    expect(run).toMatchObject({ status: 'completed' });
    expect(run!.progress).toMatchObject({ rows_created: 5, rows_invalid: 0 });
  });
  afterAll(() => t.close());

  it('imports by (customer, product, month): a second file updates, an identical one changes nothing', async () => {
    const again = await importCsv(
      ['customer_code,product_code,month,quantity,revenue', `${c1.code},${p1.code},2025-01,11,110.00`].join(
        '\n',
      ),
    );
    expect(again.run!.progress).toMatchObject({ rows_updated: 1, rows_created: 0 });
    const same = await importCsv(
      ['customer_code,product_code,month,quantity,revenue', `${c1.code},${p1.code},2025-01,11,110.00`].join(
        '\n',
      ),
    );
    expect(same.run!.progress).toMatchObject({ rows_unchanged: 1, rows_updated: 0 });
    const list = await api.ok<Listed>(
      'GET',
      `/sales-history?customer_id=${c1.id}&product_id=${p1.id}&from=2025-01&to=2025-01`,
      admin,
    );
    // The file without cost and rep columns left them as they were.
    expect(list.sales_history).toEqual([
      expect.objectContaining({
        quantity: 11,
        revenue: '110.00',
        cost: '60.00',
        gross_profit: '50.00',
        rep_id: fx.users.agent.id,
      }),
    ]);
    // insert mode refuses an existing month.
    const insert = await importCsv(
      ['customer_code,product_code,month,quantity,revenue', `${c1.code},${p1.code},2025-01,1,1`].join('\n'),
      { mode: 'insert' },
    );
    expect(insert.run!.first_errors).toEqual([
      expect.objectContaining({ row_number: 2, code: 'CODE_EXISTS' }),
    ]);
  });

  it('rejects bad rows one by one, naming the column', async () => {
    const { run } = await importCsv(
      [
        'customer_code,product_code,month,quantity,revenue,cost,rep_email',
        `NOPE,${p1.code},2025-04,1,1.00,,`,
        `${c1.code},${p1.code},2025-13,1,1.00,,`,
        `${c1.code},${p1.code},2025-04,-3,1.00,,`,
        `${c1.code},${p1.code},2025-05,1,1.005,,`,
        `${c1.code},${p1.code},2025-06,1,1.00,,nobody@nowhere.test`,
        `${c1.code},${p1.code},2025-07,1,1.00,,`,
        `${c1.code},${p1.code},2025-07,2,2.00,,`,
        `${c1.code},${p1.code},2025-08,abc,2.00,,`,
      ].join('\n'),
    );
    const columns = Object.fromEntries(run!.first_errors.map((e) => [e.row_number, e.column]));
    expect(columns).toEqual({
      2: 'customer_code',
      3: 'month',
      4: 'quantity',
      5: 'revenue',
      6: 'rep_email',
      8: 'month',
      9: 'quantity',
    });
    expect(run!.progress).toMatchObject({ rows_created: 1, rows_invalid: 7 });
  });

  it('imports a real XLSX file', async () => {
    const bytes = await xlsx([
      ['customer_code', 'product_code', 'month', 'quantity', 'revenue', 'cost', 'rep_email'],
      [c2.code, p1.code, '2025-09', 4, '44.40', '4.40', peer.email],
    ]);
    const { run } = await runImport(
      t,
      fx.users.admin,
      fx.tenantId,
      { bytes, name: 'sales.xlsx', type: 'application/octet-stream' },
      { entity: 'sales_history', mode: 'upsert-by-code' },
    );
    expect(run).toMatchObject({ status: 'completed' });
    const list = await api.ok<Listed>(
      'GET',
      `/sales-history?customer_id=${c2.id}&from=2025-09&to=2025-09`,
      admin,
    );
    expect(list.sales_history).toEqual([
      expect.objectContaining({
        month: '2025-09',
        quantity: 4,
        revenue: '44.40',
        gross_profit: '40.00',
        rep_id: peer.id,
      }),
    ]);
  });

  it('scopes the list: an agent sees their own rows, their team leader theirs too, admins all', async () => {
    const ids = async (auth: Record<string, string>) =>
      (await api.ok<Listed>('GET', '/sales-history?limit=500', auth)).sales_history.map((s) => s.rep_id);
    const own = await ids(fx.users.agent.auth);
    expect(own.length).toBeGreaterThan(0);
    expect(new Set(own)).toEqual(new Set([fx.users.agent.id]));
    expect(new Set(await ids(peer.auth))).toEqual(new Set([peer.id]));
    expect(new Set(await ids(fx.users.team_leader.auth))).toEqual(new Set([fx.users.agent.id]));
    const all = await ids(admin);
    expect(new Set(all)).toEqual(new Set([fx.users.agent.id, peer.id, null]));
  });

  it('filters and pages by keyset', async () => {
    const first = await api.ok<Listed>('GET', '/sales-history?limit=2&sort=month', admin);
    expect(first.sales_history).toHaveLength(2);
    const second = await api.ok<Listed>(
      'GET',
      `/sales-history?limit=2&sort=month&cursor=${first.next_cursor}`,
      admin,
    );
    const walked = [...first.sales_history, ...second.sales_history].map((s) => s.id);
    expect(new Set(walked).size).toBe(4);
    const months = (
      await api.ok<Listed>('GET', '/sales-history?from=2025-02&to=2025-03&limit=500', admin)
    ).sales_history.map((s) => s.month);
    expect(new Set(months)).toEqual(new Set(['2025-02', '2025-03']));
    const byRep = await api.ok<Listed>(`GET`, `/sales-history?rep_id=${peer.id}`, admin);
    expect(byRep.sales_history.every((s) => s.rep_id === peer.id)).toBe(true);
    for (const bad of ['from=2025-13', 'to=25-01', 'from=2025-05&to=2025-01', 'rep_id=x'])
      expectStatus(await api.call('GET', `/sales-history?${bad}`, admin), 422);
  });

  it('filters by org unit through the rep', async () => {
    const unit = await api.ok('POST', '/org-units', admin, { name: 'North' }, 201);
    await api.ok('PUT', `/users/${peer.id}`, admin, { org_unit_id: unit.id });
    const rows = (await api.ok<Listed>('GET', `/sales-history?org_unit_id=${unit.id}&limit=500`, admin))
      .sales_history;
    expect(rows.length).toBeGreaterThan(0);
    expect(new Set(rows.map((r) => r.rep_id))).toEqual(new Set([peer.id]));
  });

  it('summarises by month, customer, product and rep with gross profit', async () => {
    const byMonth = await api.ok<{
      groups: { key: string; revenue: string; gross_profit: string }[];
      totals: object;
    }>('GET', `/sales-history/summary?by=month&customer_id=${c1.id}&from=2025-01&to=2025-02`, admin);
    expect(byMonth.groups).toEqual([
      expect.objectContaining({
        key: '2025-01',
        quantity: 11,
        revenue: '110.00',
        cost: '60.00',
        gross_profit: '50.00',
      }),
      expect.objectContaining({
        key: '2025-02',
        quantity: 17,
        revenue: '170.50',
        cost: '90.25',
        gross_profit: '80.25',
      }),
    ]);
    expect(byMonth.totals).toEqual({
      rows: 3,
      quantity: 28,
      revenue: '280.50',
      cost: '150.25',
      gross_profit: '130.25',
    });
    const byCustomer = await api.ok<{ groups: { key: string; code: string }[] }>(
      'GET',
      '/sales-history/summary?by=customer',
      fx.users.agent.auth,
    );
    expect(byCustomer.groups.map((g) => g.code)).toEqual([c1.code]);
    const byRep = await api.ok<{ groups: { key: string | null }[] }>(
      'GET',
      '/sales-history/summary?by=rep',
      admin,
    );
    expect(new Set(byRep.groups.map((g) => g.key))).toEqual(new Set([fx.users.agent.id, peer.id, null]));
    expectStatus(await api.call('GET', '/sales-history/summary?by=week', admin), 422);
  });

  it('exports CSV and XLSX in scope; importing is for admins', async () => {
    const res = expectStatus(
      await api.call('GET', '/sales-history/export?format=csv', fx.users.agent.auth),
      200,
    );
    const rows = parseCsv(res.body);
    expect(rows[0]!.slice(0, 7)).toEqual([
      'customer_code',
      'product_code',
      'month',
      'quantity',
      'revenue',
      'cost',
      'rep_email',
    ]);
    expect(rows.slice(1).every((r) => r[6] === fx.users.agent.email)).toBe(true);
    const xl = expectStatus(await api.call('GET', '/sales-history/export?format=xlsx', admin), 200);
    expect(xl.rawPayload.subarray(0, 2).toString()).toBe('PK');
    const refused = await runImport(
      t,
      fx.users.agent,
      fx.tenantId,
      { bytes: 'a,b\n1,2' },
      { entity: 'sales_history' },
    );
    expect(refused.res.statusCode).toBe(403);
  });
});
