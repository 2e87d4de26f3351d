import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { catalogModule } from '../../src/modules/catalog/index.js';
import { findByExternalRef, linkExternalRef } from '../../src/modules/catalog/core/index.js';
import { customers, outlets, warehouses } from '../../src/modules/catalog/tables/core.tables.js';
import { identityModule } from '../../src/modules/identity/index.js';
import { createTestApp, type TestApp } from '../harness/app.js';
import { identityFixture, type IdentityFixture } from '../identity/fixtures.js';
import { runImport } from './imports.helpers.js';

type Method = 'GET' | 'POST' | 'PUT' | 'DELETE';

/**
 * Tenant isolation for customers, outlets and warehouses: tenant A's admin gets 404 for every route
 * addressing one of tenant B's ids, 422 when referencing B's rows, B's rows never appear in A's lists
 * or searches, and RLS alone keeps B's rows out of a query without a tenant filter.
 */
describe('catalog core tenant isolation', () => {
  let t: TestApp;
  let a: IdentityFixture;
  let b: IdentityFixture;
  const B: Record<string, string> = {};

  const call = (method: Method, url: string, headers: Record<string, string>, payload?: object) =>
    t.app.inject({ method, url: `/api/v1${url}`, headers, payload });
  const asB = async (method: Method, url: string, body?: object) => {
    const res = await call(method, url, b.users.admin.auth, body);
    expect(res.statusCode, res.body).toBeLessThan(300);
    return res.json<{ id: string }>();
  };

  beforeAll(async () => {
    t = await createTestApp({ deps: { modules: [identityModule, catalogModule] } });
    a = await identityFixture(t, 'alpha');
    b = await identityFixture(t, 'beta');
    B.customer = (
      await asB('POST', '/customers', {
        code: 'SHARED',
        name: 'Beta customer',
        industry: 'BetaIndustry',
        owner_id: b.users.area_manager.id,
      })
    ).id;
    B.archivedCustomer = (await asB('POST', '/customers', { code: 'B-ARCH', name: 'Beta archived' })).id;
    await call('DELETE', `/customers/${B.archivedCustomer}`, b.users.admin.auth);
    B.unit = (await asB('POST', '/org-units', { name: 'Beta region' })).id;
    B.outlet = (
      await asB('POST', '/outlets', {
        code: 'SHARED',
        name: 'Beta shop',
        latitude: 41.2995,
        longitude: 69.2401,
      })
    ).id;
    B.warehouse = (await asB('POST', '/warehouses', { code: 'SHARED', name: 'Beta warehouse' })).id;
    await t.app.platform.db.withTenant({ tenantId: b.tenantId }, (tx) =>
      linkExternalRef(tx, b.tenantId, {
        provider: 'erp',
        entityType: 'customer',
        externalId: 'B1',
        entityId: B.customer!,
      }),
    );
  });
  afterAll(() => t.close());

  const byIdRoutes = (): [Method, string, object?][] => [
    ['GET', `/customers/${B.customer}`],
    ['PUT', `/customers/${B.customer}`, { name: 'Pwned' }],
    ['DELETE', `/customers/${B.customer}`],
    ['POST', `/customers/${B.archivedCustomer}/restore`],
    ['GET', `/outlets/${B.outlet}`],
    ['PUT', `/outlets/${B.outlet}`, { name: 'Pwned' }],
    ['DELETE', `/outlets/${B.outlet}`],
    ['GET', `/warehouses/${B.warehouse}`],
    ['PUT', `/warehouses/${B.warehouse}`, { name: 'Pwned' }],
    ['DELETE', `/warehouses/${B.warehouse}`],
  ];

  it("answers 404 for every route addressing B's ids, and changes nothing", async () => {
    for (const [method, url, body] of byIdRoutes()) {
      const res = await call(method, url, a.users.admin.auth, body);
      expect(res.statusCode, `${method} ${url}`).toBe(404);
    }
    const customer = (await call('GET', `/customers/${B.customer}`, b.users.admin.auth)).json();
    expect(customer).toMatchObject({ name: 'Beta customer', archived_at: null, status: 'active' });
    expect((await call('GET', `/outlets/${B.outlet}`, b.users.admin.auth)).json().archived_at).toBeNull();
    expect((await call('GET', `/warehouses/${B.warehouse}`, b.users.admin.auth)).json().name).toBe(
      'Beta warehouse',
    );
    expect((await call('GET', `/customers/${B.archivedCustomer}`, b.users.admin.auth)).json().status).toBe(
      'churned',
    );
  });

  it("answers 422 when A references B's users, org units or customers", async () => {
    const cases: [string, object][] = [
      ['/customers', { code: 'A-1', name: 'x', owner_id: b.users.agent.id }],
      ['/outlets', { code: 'A-2', name: 'x', org_unit_id: B.unit }],
      ['/outlets', { code: 'A-3', name: 'x', customer_id: B.customer }],
    ];
    for (const [url, body] of cases) {
      const res = await call('POST', url, a.users.admin.auth, body);
      expect(res.statusCode, `${url} ${JSON.stringify(body)}`).toBe(422);
    }
  });

  it('lets A reuse B’s codes (unique per tenant only)', async () => {
    expect(
      (await call('POST', '/customers', a.users.admin.auth, { code: 'SHARED', name: 'A' })).statusCode,
    ).toBe(201);
    expect(
      (await call('POST', '/outlets', a.users.admin.auth, { code: 'SHARED', name: 'A' })).statusCode,
    ).toBe(201);
    expect(
      (await call('POST', '/warehouses', a.users.admin.auth, { code: 'SHARED', name: 'A' })).statusCode,
    ).toBe(201);
  });

  it("never lists B's rows, in lists, searches, near queries or aggregates", async () => {
    const lists: [string, string][] = [
      ['/customers?limit=500', 'customers'],
      ['/customers?archived=true&limit=500', 'customers'],
      ['/customers?q=Beta', 'customers'],
      [`/customers?owner=${b.users.area_manager.id}`, 'customers'],
      ['/outlets?limit=500', 'outlets'],
      ['/outlets?near=41.2995,69.2401&radius_m=1000', 'outlets'],
      ['/warehouses?limit=500', 'warehouses'],
      ['/warehouses?archived=true', 'warehouses'],
    ];
    const bIds = Object.values(B);
    for (const [url, key] of lists) {
      const res = await call('GET', url, a.users.admin.auth);
      expect(res.statusCode, url).toBe(200);
      const rows = res.json<Record<string, { id: string; name: string }[]>>()[key]!;
      expect(
        rows.filter((r) => bIds.includes(r.id) || r.name.startsWith('Beta')),
        url,
      ).toEqual([]);
    }
    const industries = (await call('GET', '/customers/industries', a.users.admin.auth)).json();
    expect(JSON.stringify(industries)).not.toContain('BetaIndustry');
    const managers = (await call('GET', '/customers/account-managers', a.users.admin.auth)).json();
    expect(JSON.stringify(managers)).not.toContain(b.users.area_manager.id);
  });

  it("never exports B's rows, and an import cannot reference them", async () => {
    for (const entity of ['customers', 'outlets']) {
      const res = await call('GET', `/${entity}/export`, a.users.admin.auth);
      expect(res.statusCode, entity).toBe(200);
      expect(res.body, entity).not.toContain('Beta');
    }
    const csv = `code,name,customer_code\nA-REF,Ref,B-ARCH\n`;
    const { run } = await runImport(t, a.users.admin, a.tenantId, { bytes: csv }, { entity: 'outlets' });
    expect(run!.first_errors[0]).toMatchObject({ column: 'customer_code', code: 'REFERENCE_UNKNOWN' });
    const owner = await runImport(
      t,
      a.users.admin,
      a.tenantId,
      { bytes: `code,name,owner_email\nA-OWN,Own,${b.users.agent.email}\n` },
      { entity: 'customers' },
    );
    expect(owner.run!.first_errors[0]).toMatchObject({ column: 'owner_email', code: 'REFERENCE_UNKNOWN' });
  });

  it("keeps B's rows and external refs out through RLS even without a tenant filter", async () => {
    const seen = await t.app.platform.db.withTenant({ tenantId: a.tenantId }, async (tx) => ({
      customers: await tx.db.select({ id: customers.id }).from(customers),
      outlets: await tx.db.select({ id: outlets.id }).from(outlets),
      warehouses: await tx.db.select({ id: warehouses.id }).from(warehouses),
      ref: await findByExternalRef(tx, b.tenantId, {
        provider: 'erp',
        entityType: 'customer',
        externalId: 'B1',
      }),
    }));
    const bIds = Object.values(B);
    for (const rows of [seen.customers, seen.outlets, seen.warehouses])
      expect(rows.filter((r) => bIds.includes(r.id))).toEqual([]);
    expect(seen.ref).toBeUndefined();
  });
});
