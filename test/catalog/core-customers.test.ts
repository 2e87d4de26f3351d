import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { catalogModule } from '../../src/modules/catalog/index.js';
import { linkExternalRef } from '../../src/modules/catalog/core/index.js';
import { identityModule } from '../../src/modules/identity/index.js';
import { auditLog } from '../../src/modules/identity/tables/audit.tables.js';
import { and, eq } from 'drizzle-orm';
import { createTestApp, type TestApp } from '../harness/app.js';
import { identityFixture, type FixtureRole, type IdentityFixture } from '../identity/fixtures.js';

type Method = 'GET' | 'POST' | 'PUT' | 'DELETE';
interface CustomerJson {
  id: string;
  code: string;
  name: string;
  status: string;
  tags: string[];
  contract_value: string | null;
  archived_at: string | null;
  owner_id: string | null;
  external_refs: { provider: string; entity_type: string; external_id: string }[];
}

describe('customers', () => {
  let t: TestApp;
  let fx: IdentityFixture;
  const call = (method: Method, url: string, payload?: object, role: FixtureRole = 'admin') =>
    t.app.inject({ method, url: `/api/v1${url}`, headers: fx.users[role].auth, payload });
  const create = async (body: object) => {
    const res = await call('POST', '/customers', body);
    expect(res.statusCode, res.body).toBe(201);
    return res.json<CustomerJson>();
  };

  beforeAll(async () => {
    t = await createTestApp({ deps: { modules: [identityModule, catalogModule] } });
    fx = await identityFixture(t, 'cust');
  });
  afterAll(() => t.close());

  it('creates, reads, updates with decimal money and snake_case fields, and audits every write', async () => {
    const created = await create({
      code: 'C-001',
      name: 'Korzinka',
      legal_name: 'Korzinka LLC',
      industry: 'Retail',
      segment: 'key_account',
      tags: ['chain', 'tashkent'],
      email: 'Buyer@Korzinka.test',
      inn: '1234567890',
      owner_id: fx.users.area_manager.id,
      contract_start: '2026-01-01',
      contract_end: '2026-12-31',
      contract_value: '1250000.50',
      currency: 'UZS',
      addresses: [{ kind: 'legal', line: 'Amir Temur 1', city: 'Tashkent' }],
    });
    expect(created).toMatchObject({
      code: 'C-001',
      status: 'active',
      legal_name: 'Korzinka LLC',
      email: 'buyer@korzinka.test',
      contract_value: '1250000.50',
      is_customer: true,
      is_supplier: false,
      external_refs: [],
      archived_at: null,
    });
    const read = await call('GET', `/customers/${created.id}`);
    expect(read.statusCode).toBe(200);
    expect(read.json()).toMatchObject({ id: created.id, tags: ['chain', 'tashkent'] });

    const updated = await call('PUT', `/customers/${created.id}`, {
      status: 'at_risk',
      contract_value: '99.9',
    });
    expect(updated.statusCode, updated.body).toBe(200);
    expect(updated.json()).toMatchObject({ status: 'at_risk', contract_value: '99.90', name: 'Korzinka' });
    const cleared = await call('PUT', `/customers/${created.id}`, {
      owner_id: null,
      contract_value: null,
      inn: null,
    });
    expect(cleared.statusCode, cleared.body).toBe(200);
    expect(cleared.json()).toMatchObject({ owner_id: null, contract_value: null, inn: null });

    const audit = await t.database.db.withSystem((tx) =>
      tx.db
        .select({ action: auditLog.action })
        .from(auditLog)
        .where(and(eq(auditLog.tenantId, fx.tenantId), eq(auditLog.entityId, created.id))),
    );
    expect(audit.map((a) => a.action).sort()).toEqual([
      'customer.create',
      'customer.update',
      'customer.update',
    ]);
  });

  it('rejects invalid input with 422 and duplicate codes with 409', async () => {
    const cases: [string, object][] = [
      ['/body/name', { code: 'X-1' }],
      ['/body/contract_value', { code: 'X-2', name: 'X', contract_value: '12.345' }],
      ['/body/contract_value', { code: 'X-3', name: 'X', contract_value: '1,5' }],
      ['/body/status', { code: 'X-4', name: 'X', status: 'deleted' }],
      ['/body/email', { code: 'X-5', name: 'X', email: 'not-an-email' }],
      ['/body/inn', { code: 'X-6', name: 'X', inn: '12ab' }],
    ];
    for (const [path, body] of cases) {
      const res = await call('POST', '/customers', body);
      expect(res.statusCode, JSON.stringify(body)).toBe(422);
      expect(JSON.stringify(res.json().errors)).toContain(path);
    }
    const badDates = await call('POST', '/customers', {
      code: 'X-7',
      name: 'X',
      contract_start: '2026-05-01',
      contract_end: '2026-01-01',
    });
    expect(badDates.statusCode).toBe(422);

    await create({ code: 'DUP', name: 'First' });
    const dup = await call('POST', '/customers', { code: 'DUP', name: 'Second' });
    expect(dup.statusCode).toBe(409);
    expect(dup.json().code).toBe('DUPLICATE');
    const other = await create({ code: 'DUP-2', name: 'Other' });
    const dupUpdate = await call('PUT', `/customers/${other.id}`, { code: 'DUP' });
    expect(dupUpdate.statusCode).toBe(409);
  });

  it('rejects unknown owners with 422 and unknown ids with 404', async () => {
    const res = await call('POST', '/customers', {
      code: 'OWN-1',
      name: 'X',
      owner_id: '01900000-0000-7000-8000-000000000000',
    });
    expect(res.statusCode).toBe(422);
    expect(JSON.stringify(res.json().errors)).toContain('/body/owner_id');
    const missing = await call('GET', '/customers/01900000-0000-7000-8000-000000000000');
    expect(missing.statusCode).toBe(404);
    const badId = await call('GET', '/customers/not-a-uuid');
    expect(badId.statusCode).toBe(422);
  });

  it('DELETE churns and archives; restore brings the customer back', async () => {
    const c = await create({ code: 'ARC-1', name: 'Archived Co' });
    const del = await call('DELETE', `/customers/${c.id}`);
    expect(del.statusCode).toBe(204);
    const archived = (await call('GET', `/customers/${c.id}`)).json<CustomerJson>();
    expect(archived.status).toBe('churned');
    expect(archived.archived_at).not.toBeNull();

    const active = (await call('GET', '/customers?limit=500')).json<{ customers: CustomerJson[] }>();
    expect(active.customers.map((x) => x.id)).not.toContain(c.id);
    const onlyArchived = (await call('GET', '/customers?archived=true')).json<{
      customers: CustomerJson[];
    }>();
    expect(onlyArchived.customers.map((x) => x.id)).toContain(c.id);

    const restored = await call('POST', `/customers/${c.id}/restore`);
    expect(restored.statusCode).toBe(200);
    expect(restored.json()).toMatchObject({ status: 'active', archived_at: null });
  });

  it('filters by q, status, industry, segment, tag and owner, sorts and pages', async () => {
    const owner = fx.users.regional_manager.id;
    await create({
      code: 'F-1',
      name: 'Alpha Foods',
      industry: 'FMCG',
      segment: 'b',
      tags: ['vip'],
      owner_id: owner,
    });
    await create({
      code: 'F-2',
      name: 'Beta Pharma',
      industry: 'Pharma',
      inn: '7700112233',
      owner_id: owner,
    });
    await create({
      code: 'F-3',
      name: 'Gamma 100%',
      legal_name: 'Gamma Trading',
      industry: 'FMCG',
      status: 'onboarding',
    });
    const list = async (qs: string) => {
      const res = await call('GET', `/customers?${qs}`);
      expect(res.statusCode, res.body).toBe(200);
      return res.json<{ customers: CustomerJson[]; total: number; limit: number; offset: number }>();
    };
    const codes = (body: { customers: CustomerJson[] }) => body.customers.map((c) => c.code);
    expect(codes(await list('q=alpha'))).toEqual(['F-1']);
    expect(codes(await list('q=7700112'))).toEqual(['F-2']);
    expect(codes(await list('q=gamma%20trad'))).toEqual(['F-3']);
    expect(codes(await list('q=100%25'))).toEqual(['F-3']);
    expect(codes(await list('q=f-&industry=FMCG&sort=code'))).toEqual(['F-1', 'F-3']);
    expect(codes(await list('q=f-&status=onboarding'))).toEqual(['F-3']);
    expect(codes(await list('q=f-&segment=b'))).toEqual(['F-1']);
    expect(codes(await list('tag=vip'))).toEqual(['F-1']);
    expect(codes(await list(`owner=${owner}&sort=-code`))).toEqual(['F-2', 'F-1']);
    const page = await list('q=f-&sort=code&limit=2&offset=1');
    expect(page).toMatchObject({ total: 3, limit: 2, offset: 1 });
    expect(codes(page)).toEqual(['F-2', 'F-3']);
    expect((await call('GET', '/customers?sort=password')).statusCode).toBe(422);

    const industries = (await call('GET', '/customers/industries')).json<{
      industries: { industry: string; count: number }[];
    }>();
    expect(industries.industries).toContainEqual({ industry: 'FMCG', count: 2 });
    expect(industries.industries).toContainEqual({ industry: 'Pharma', count: 1 });
    const managers = (await call('GET', '/customers/account-managers')).json<{
      account_managers: { user_id: string; count: number }[];
    }>();
    expect(managers.account_managers.find((m) => m.user_id === owner)?.count).toBe(2);
  });

  it('shows external references linked through the service interface', async () => {
    const c = await create({ code: 'EXT-1', name: 'Ext' });
    await t.app.platform.db.withTenant({ tenantId: fx.tenantId }, (tx) =>
      linkExternalRef(tx, fx.tenantId, {
        provider: '1c',
        entityType: 'customer',
        externalId: 'K-77',
        entityId: c.id,
      }),
    );
    const read = (await call('GET', `/customers/${c.id}`)).json<CustomerJson>();
    expect(read.external_refs).toEqual([{ provider: '1c', entity_type: 'customer', external_id: 'K-77' }]);
    const list = (await call('GET', '/customers?q=EXT-1')).json<{ customers: CustomerJson[] }>();
    expect(list.customers[0]!.external_refs).toHaveLength(1);
  });

  describe('permissions by role', () => {
    const WRITERS: FixtureRole[] = ['admin', 'national_manager', 'regional_manager', 'area_manager'];
    const ALL: FixtureRole[] = [
      'admin',
      'national_manager',
      'regional_manager',
      'area_manager',
      'team_leader',
      'agent',
      'viewer',
    ];
    it.each(ALL)('%s reads; writes only if a master-data editor', async (role) => {
      expect((await call('GET', '/customers', undefined, role)).statusCode).toBe(200);
      expect((await call('GET', '/customers/industries', undefined, role)).statusCode).toBe(200);
      const res = await call('POST', '/customers', { code: `P-${role}`, name: role }, role);
      expect(res.statusCode).toBe(WRITERS.includes(role) ? 201 : 403);
      const target = await create({ code: `PT-${role}`, name: 'target' });
      const put = await call('PUT', `/customers/${target.id}`, { name: 'changed' }, role);
      expect(put.statusCode).toBe(WRITERS.includes(role) ? 200 : 403);
      const del = await call('DELETE', `/customers/${target.id}`, undefined, role);
      expect(del.statusCode).toBe(WRITERS.includes(role) ? 204 : 403);
    });
    it('anonymous callers get 401', async () => {
      const res = await t.app.inject({ method: 'GET', url: '/api/v1/customers' });
      expect(res.statusCode).toBe(401);
    });
  });
  it('refuses a negative contract value with a pointer on create and update; zero is a value', async () => {
    const pointers = (res: { json<T>(): T }) =>
      res.json<{ errors: { path: string }[] }>().errors.map((e) => e.path);
    const refused = await call('POST', '/customers', {
      code: 'NEG-1',
      name: 'Negative',
      contract_value: '-100.00',
    });
    expect(refused.statusCode, refused.body).toBe(422);
    expect(pointers(refused)).toEqual(['/body/contract_value']);
    const customer = await create({ code: 'NEG-2', name: 'Zero', contract_value: '0.00' });
    expect(customer.contract_value).toBe('0.00');
    const update = await call('PUT', `/customers/${customer.id}`, { contract_value: '-0.01' });
    expect(update.statusCode, update.body).toBe(422);
    expect(pointers(update)).toEqual(['/body/contract_value']);
    const read = await call('GET', `/customers/${customer.id}`);
    expect(read.json<CustomerJson>().contract_value).toBe('0.00');
  });

  it('refuses an e-mail without a dotted domain (as imports do)', async () => {
    const res = await call('POST', '/customers', { code: 'MAIL-1', name: 'Dotless', email: 'bad@example' });
    expect(res.statusCode, res.body).toBe(422);
    expect(res.json<{ errors: { path: string }[] }>().errors.map((e) => e.path)).toEqual(['/body/email']);
  });
});
