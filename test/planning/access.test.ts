import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultPermissions } from '../../src/modules/identity/permissions.js';
import { PLANNING_PERMISSIONS } from '../../src/modules/planning/index.js';
import type { TestApp } from '../harness/app.js';
import { FIXTURE_ROLES, identityFixture, type IdentityFixture } from '../identity/fixtures.js';
import { runImport } from '../catalog/imports.helpers.js';
import { multipart } from '../harness/multipart.js';
import {
  client,
  createCustomer,
  createMatrixRow,
  createProduct,
  expectStatus,
  planningApp,
  uniq,
} from './helpers.js';

type Method = 'GET' | 'POST' | 'PUT' | 'DELETE';

describe('planning: settings, catalog import paths, permissions and tenant isolation', () => {
  let t: TestApp;
  let a: IdentityFixture;
  let b: IdentityFixture;
  let api: ReturnType<typeof client>;
  const B: Record<string, string> = {};

  beforeAll(async () => {
    t = await planningApp();
    a = await identityFixture(t, 'alpha');
    b = await identityFixture(t, 'beta');
    api = client(t);
    const admin = b.users.admin.auth;
    const customer = await createCustomer(t, admin);
    const product = await createProduct(t, admin);
    B.customer = customer.id;
    B.product = product.id;
    B.customerCode = customer.code;
    B.productCode = product.code;
    B.matrix = (
      await createMatrixRow(t, admin, {
        customer_id: customer.id,
        product_id: product.id,
        rep_id: b.users.agent.id,
      })
    ).id;
    B.cycle = (
      await api.ok(
        'POST',
        '/sop/cycles',
        admin,
        { name: 'Beta', anchor_month: '2026-01', start_date: '2026-01-01', end_date: '2026-01-31' },
        201,
      )
    ).id;
    B.openCycle = (
      await api.ok(
        'POST',
        '/sop/cycles',
        admin,
        { name: 'Beta open', anchor_month: '2026-02', start_date: '2026-02-01', end_date: '2026-02-28' },
        201,
      )
    ).id;
    await api.ok('POST', `/sop/cycles/${B.openCycle}/open`, admin);
    B.forecast = (
      await api.ok(
        'POST',
        '/forecasts',
        b.users.agent.auth,
        {
          cycle_id: B.openCycle,
          customer_id: customer.id,
          product_id: product.id,
          lines: [{ month: '2026-02', quantity: 4 }],
        },
        201,
      )
    ).id;
    const { run } = await runImport(
      t,
      b.users.admin,
      b.tenantId,
      {
        bytes: `customer_code,product_code,month,quantity,revenue,rep_email\n${customer.code},${product.code},2025-05,3,30.00,${b.users.agent.email}`,
      },
      { entity: 'sales_history' },
    );
    expect(run).toMatchObject({ status: 'completed' });
    B.sale = (
      await api.ok<{ sales_history: { id: string }[] }>('GET', '/sales-history', admin)
    ).sales_history[0]!.id;
  });
  afterAll(() => t.close());

  it('answers and changes the planning settings (admins write, everyone reads)', async () => {
    expect(await api.ok('GET', '/settings', a.users.agent.auth)).toEqual({
      planning: {
        min_future_months: 12,
        reminder_days: 3,
        approver_roles: ['admin'],
        baseline_method: 'auto',
      },
    });
    const changed = await api.ok('PUT', '/settings', a.users.admin.auth, {
      planning: { reminder_days: 5, baseline_method: 'holt_winters' },
    });
    expect(changed).toEqual({
      planning: {
        min_future_months: 12,
        reminder_days: 5,
        approver_roles: ['admin'],
        baseline_method: 'holt_winters',
      },
    });
    expect(await api.ok('GET', '/settings', a.users.viewer.auth)).toEqual(changed);
    // B's settings are its own.
    expect(await api.ok('GET', '/settings', b.users.admin.auth)).toMatchObject({
      planning: { reminder_days: 3 },
    });
    expectStatus(
      await api.call('PUT', '/settings', a.users.agent.auth, { planning: { reminder_days: 1 } }),
      403,
    );
    for (const [body, path] of [
      [{ planning: { min_future_months: 13 } }, '/body/planning/min_future_months'],
      [{ planning: { baseline_method: 'magic' } }, '/body/planning/baseline_method'],
      [{ planning: { reminder_days: -1 } }, '/body/planning/reminder_days'],
      [{ planning: { approver_roles: [] } }, '/body/planning/approver_roles'],
      [{ planning: { colour: 'red' } }, '/body/planning/colour'],
    ] as const) {
      const res = expectStatus(await api.call('PUT', '/settings', a.users.admin.auth, body), 422);
      expect(res.json<{ errors: { path: string }[] }>().errors.map((e) => e.path)).toContain(path);
    }
  });

  it('starts catalog imports at POST /customers/import and /products/import (202 with the run)', async () => {
    const upload = async (path: string, auth: Record<string, string>, csv: string, fields = {}) => {
      const { payload, contentType } = multipart(
        { name: 'data.csv', type: 'text/csv', bytes: Buffer.from(csv) },
        fields,
      );
      return t.app.inject({
        method: 'POST',
        url: `/api/v1${path}`,
        headers: { ...auth, 'content-type': contentType },
        payload,
      });
    };
    const code = uniq('IMP');
    const res = await upload('/customers/import', a.users.admin.auth, `code,name\n${code},Imported customer`);
    expect(res.statusCode, res.body).toBe(202);
    const run = res.json<{ id: string; entity: string; status: string }>();
    expect(run).toMatchObject({ entity: 'customers', status: 'pending' });
    expect(res.headers.location).toBe(`/api/v1/imports/${run.id}`);
    await t.app.platform.imports.runner.run({
      tenantId: a.tenantId,
      importId: run.id,
      userId: a.users.admin.id,
    });
    expect(await api.ok('GET', `/imports/${run.id}`, a.users.admin.auth)).toMatchObject({
      status: 'completed',
    });
    const customers = await api.ok<{ customers: { code: string }[] }>(
      'GET',
      `/customers?q=${code}`,
      a.users.admin.auth,
    );
    expect(customers.customers.map((c) => c.code)).toEqual([code]);

    const pcode = uniq('IMPP');
    const prod = await upload(
      '/products/import',
      a.users.admin.auth,
      `code,name\n${pcode},Imported product`,
      {
        mode: 'upsert-by-code',
      },
    );
    expect(prod.statusCode, prod.body).toBe(202);
    expect(prod.json()).toMatchObject({ entity: 'products', mode: 'upsert-by-code' });
    expectStatus((await upload('/customers/import', a.users.agent.auth, 'code,name\nX,Y')) as never, 403);
    expectStatus(
      (await upload('/products/import', a.users.admin.auth, 'code,name\nX,Y', { mode: 'merge' })) as never,
      422,
    );
    expectStatus(await api.call('GET', '/customers/export?format=csv', a.users.admin.auth), 200);
    expectStatus(await api.call('GET', '/products/export?format=csv', a.users.admin.auth), 200);
  });

  it('grants the planning permissions to the built-in roles as declared', async () => {
    const names = PLANNING_PERMISSIONS.map((p) => p.name);
    expect(defaultPermissions('agent', PLANNING_PERMISSIONS)).toEqual(
      [
        'forecasts:read',
        'forecasts:write',
        'matrix:read',
        'planning:read',
        'sales_history:read',
        'sop_cycles:read',
      ].sort(),
    );
    expect(defaultPermissions('admin', PLANNING_PERMISSIONS)).toEqual([...names].sort());
    expect(defaultPermissions('viewer', PLANNING_PERMISSIONS)).not.toContain('forecasts:write');
    // The seeded roles of a new tenant carry them.
    const me = await api.ok<{ permissions: string[] }>('GET', '/auth/me', a.users.agent.auth);
    expect(me.permissions).toEqual(
      expect.arrayContaining(['sales_history:read', 'sop_cycles:read', 'matrix:read']),
    );
    expect(me.permissions).not.toContain('sop_cycles:manage');
  });

  // Each route × each built-in role: allowed roles get 2xx (or a state answer), the rest 403.
  it('matches the permission matrix for the planning routes', async () => {
    const routes: [Method, string, string, object?][] = [
      ['GET', '/settings', 'planning:read'],
      ['GET', '/sales-history', 'sales_history:read'],
      ['GET', '/sales-history/summary?by=product', 'sales_history:read'],
      ['GET', '/sales-history/export', 'sales_history:read'],
      ['GET', '/product-customer-matrix', 'matrix:read'],
      ['GET', '/product-customer-matrix/export', 'matrix:read'],
      ['GET', '/sop/cycles', 'sop_cycles:read'],
      ['PUT', '/settings', 'planning:settings', { planning: { reminder_days: 3 } }],
      [
        'POST',
        '/product-customer-matrix',
        'matrix:write',
        { customer_id: uniq('x'), product_id: 'y', price: '1' },
      ],
      ['POST', '/sop/cycles', 'sop_cycles:write', { name: 'x' }],
      ['GET', '/forecasts', 'forecasts:read'],
      ['GET', '/sop/accuracy', 'forecasts:read'],
      ['GET', `/forecasts/${a.users.agent.id}`, 'forecasts:read'],
      ['GET', `/forecasts/baseline?cycle_id=${a.users.agent.id}`, 'forecasts:read'],
      ['GET', `/forecasts/template?cycle_id=${a.users.agent.id}`, 'forecasts:write'],
      ['POST', '/forecasts', 'forecasts:write', { cycle_id: a.users.agent.id }],
      ['POST', '/forecasts/import', 'forecasts:write', {}],
      ['PUT', `/forecasts/${a.users.agent.id}`, 'forecasts:write', { lines: [] }],
      ['POST', `/forecasts/${a.users.agent.id}/submit`, 'forecasts:write'],
      ['POST', `/forecasts/${a.users.agent.id}/reopen`, 'forecasts:write'],
      ['POST', `/forecasts/${a.users.agent.id}/approve`, 'forecasts:approve'],
      ['POST', `/forecasts/${a.users.agent.id}/reject`, 'forecasts:approve', { comment: 'x' }],
    ];
    const problems: string[] = [];
    for (const role of FIXTURE_ROLES) {
      const auth = a.users[role].auth;
      const granted = new Set(defaultPermissions(role, PLANNING_PERMISSIONS));
      for (const [method, url, permission, body] of routes) {
        const res = await api.call(method, url, auth, body);
        const allowed = res.statusCode !== 403;
        if (allowed !== granted.has(permission))
          problems.push(`${role} ${method} ${url} → ${res.statusCode}`);
      }
    }
    expect(problems).toEqual([]);
  });

  it("answers 404 for every route addressing tenant B's ids, and changes nothing", async () => {
    const admin = a.users.admin.auth;
    const byId: [Method, string, object?][] = [
      ['GET', `/sop/cycles/${B.cycle}`],
      ['PUT', `/sop/cycles/${B.cycle}`, { name: 'Pwned' }],
      ['DELETE', `/sop/cycles/${B.cycle}`],
      ['POST', `/sop/cycles/${B.cycle}/open`],
      ['POST', `/sop/cycles/${B.openCycle}/close`],
      ['POST', `/sop/cycles/${B.openCycle}/notify`],
      ['GET', `/sop/cycles/${B.openCycle}/stats`],
      ['GET', `/product-customer-matrix/${B.matrix}`],
      ['PUT', `/product-customer-matrix/${B.matrix}`, { price: '0.01' }],
      ['DELETE', `/product-customer-matrix/${B.matrix}`],
      ['GET', `/forecasts/${B.forecast}`],
      ['PUT', `/forecasts/${B.forecast}`, { lines: [] }],
      ['POST', `/forecasts/${B.forecast}/submit`],
      ['POST', `/forecasts/${B.forecast}/approve`],
      ['POST', `/forecasts/${B.forecast}/reject`, { comment: 'x' }],
      ['POST', `/forecasts/${B.forecast}/reopen`],
    ];
    const outcomes: string[] = [];
    for (const [method, url, body] of byId) {
      const res = await api.call(method, url, admin, body);
      if (res.statusCode !== 404) outcomes.push(`${method} ${url} → ${res.statusCode}`);
    }
    expect(outcomes).toEqual([]);
    // A has no open cycle: B's is not A's active one.
    expectStatus(await api.call('GET', '/sop/cycles/active', admin), 404, 'NO_ACTIVE_CYCLE');
    const bAdmin = b.users.admin.auth;
    expect(await api.ok('GET', `/sop/cycles/${B.cycle}`, bAdmin)).toMatchObject({
      name: 'Beta',
      status: 'draft',
    });
    expect(await api.ok('GET', `/sop/cycles/${B.openCycle}`, bAdmin)).toMatchObject({ status: 'open' });
    expect(await api.ok('GET', `/product-customer-matrix/${B.matrix}`, bAdmin)).toMatchObject({
      price: '10.00',
    });
  });

  it("never lists or summarises B's rows, refuses B's ids as references, and cannot import against B's codes", async () => {
    const admin = a.users.admin.auth;
    for (const [url, key] of [
      ['/sales-history?limit=500', 'sales_history'],
      [`/sales-history?customer_id=${B.customer}`, 'sales_history'],
      ['/product-customer-matrix?limit=500', 'product_customer_matrix'],
      [`/product-customer-matrix?customer_id=${B.customer}`, 'product_customer_matrix'],
      ['/sop/cycles?limit=500', 'sop_cycles'],
      ['/forecasts?limit=500', 'forecasts'],
      [`/forecasts?cycle_id=${B.openCycle}`, 'forecasts'],
    ] as const) {
      const rows = (await api.ok<Record<string, { id: string }[]>>('GET', url, admin))[key]!;
      expect(
        rows.filter((r) => Object.values(B).includes(r.id)),
        url,
      ).toEqual([]);
    }
    const summary = await api.ok<{ groups: unknown[] }>('GET', '/sales-history/summary?by=customer', admin);
    expect(summary.groups).toEqual([]);
    const res = expectStatus(
      await api.call('POST', '/product-customer-matrix', admin, {
        customer_id: B.customer,
        product_id: B.product,
        price: '1.00',
        rep_id: b.users.agent.id,
      }),
      422,
    );
    expect(
      res
        .json<{ errors: { path: string }[] }>()
        .errors.map((e) => e.path)
        .sort(),
    ).toEqual(['/body/customer_id', '/body/product_id', '/body/rep_id']);
    const forecast = expectStatus(
      await api.call('POST', '/forecasts', a.users.agent.auth, {
        cycle_id: B.openCycle,
        customer_id: B.customer,
        product_id: B.product,
        lines: [],
      }),
      422,
    );
    expect(forecast.json<{ errors: { path: string }[] }>().errors.map((e) => e.path)).toEqual([
      '/body/cycle_id',
    ]);
    const { run } = await runImport(
      t,
      a.users.admin,
      a.tenantId,
      {
        bytes: `customer_code,product_code,month,quantity,revenue\n${B.customerCode},${B.productCode},2025-05,1,1.00`,
      },
      { entity: 'sales_history' },
    );
    expect(run!.first_errors.map((e) => e.column).sort()).toEqual(['customer_code', 'product_code']);
  });

  it('RLS alone keeps B’s planning rows out of A’s transactions', async () => {
    const counts = await t.app.platform.db.withTenant({ tenantId: a.tenantId }, async (tx) => {
      const out: Record<string, number> = {};
      for (const table of [
        'sales_history',
        'product_customer_matrix',
        'sop_cycles',
        'forecasts',
        'forecast_lines',
      ]) {
        const { rows } = await tx.sql.query<{ n: number }>(
          `select count(*)::int as n from ${table} where tenant_id = $1`,
          [b.tenantId],
        );
        out[table] = rows[0]!.n;
      }
      return out;
    });
    expect(Object.values(counts)).toEqual([0, 0, 0, 0, 0]);
    // B does have them.
    const own = await t.app.platform.db.withTenant({ tenantId: b.tenantId }, (tx) =>
      tx.sql.query<{ n: number }>(`select count(*)::int as n from forecast_lines where tenant_id = $1`, [
        b.tenantId,
      ]),
    );
    expect(own.rows[0]!.n).toBe(1);
  });
});
